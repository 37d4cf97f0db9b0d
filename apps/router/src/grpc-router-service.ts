import { type ServiceError, status } from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import type { GRPCInferenceServiceServer, oip } from '@ratchet/contracts';
import { extractFromGrpcMetadata, grpcError } from '@ratchet/service-kit';
import type { MemberPool } from './member-pool.js';
import type { RouteEngine } from './route-engine.js';

/** Liveness and readiness of the router, for ServerReady and ModelReady. */
export interface RouterIdentity {
  readonly name: string;
  readonly version: string;
  ready(): boolean;
}

function deadlineOf(d: Date | number): number {
  const t = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
}

function asServiceError(err: unknown): Partial<ServiceError> {
  if (typeof (err as { code?: unknown }).code === 'number') return err as ServiceError;
  return grpcError(status.INTERNAL, err instanceof Error ? err.message : String(err));
}

/**
 * The router's Open Inference Protocol service: ModelInfer goes through the route engine;
 * ModelReady and ModelMetadata are answered by the prediction service that serves the model's
 * default version, so a client cannot tell the router from a prediction service.
 */
export function grpcRouterService(args: { engine: RouteEngine; pool: MemberPool; identity: RouterIdentity }): GRPCInferenceServiceServer {
  const { engine, pool, identity } = args;
  return {
    serverLive: (_call, cb) => cb(null, { live: true }),
    serverReady: (_call, cb) => cb(null, { ready: identity.ready() }),
    serverMetadata: (_call, cb) => cb(null, { name: identity.name, version: identity.version, extensions: [] }),
    modelReady: (call, cb) => {
      const { name, version } = call.request;
      if (!name) return cb(grpcError(status.INVALID_ARGUMENT, 'name is required'), null);
      if (!identity.ready()) return cb(null, { ready: false });
      pool
        .client(name, version)
        .modelReady(name, version)
        .then((ready) => cb(null, { ready }), (err: unknown) => cb(asServiceError(err), null));
    },
    modelMetadata: (call, cb) => {
      const { name, version } = call.request;
      if (!name) return cb(grpcError(status.INVALID_ARGUMENT, 'name is required'), null);
      pool
        .client(name, version)
        .modelMetadata(name, version)
        .then((res: oip.ModelMetadataResponse) => cb(null, res), (err: unknown) => cb(asServiceError(err), null));
    },
    modelInfer: (call, cb) => {
      const parent = extractFromGrpcMetadata(call.metadata);
      context
        .with(parent, () => engine.route(call.request, deadlineOf(call.getDeadline())))
        .then((res) => cb(null, res), (err: unknown) => cb(asServiceError(err), null));
    },
  };
}
