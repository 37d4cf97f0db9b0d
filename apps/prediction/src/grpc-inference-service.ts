import { type Metadata, type ServiceError, status as GrpcStatus } from '@grpc/grpc-js';
import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { GRPCInferenceServiceServer, oip } from '@ratchet/contracts';
import { InferenceError } from './errors.js';
import type { InferenceHandler } from './inference-handler.js';
import type { ModelHost } from './model-host.js';

/** Platform string Triton reports for ONNX Runtime models; OIP clients display it. */
export const ONNX_PLATFORM = 'onnxruntime_onnx';

export interface ServerIdentity {
  readonly name: string;
  readonly version: string;
  /** False while starting or draining: ServerReady answers false and health says NOT_SERVING. */
  ready(): boolean;
}

const metadataGetter = {
  keys: (carrier: Metadata) => Object.keys(carrier.getMap()),
  get: (carrier: Metadata, key: string) => {
    const v = carrier.get(key);
    return v.length === 0 ? undefined : v.map((x) => x.toString());
  },
};

function toServiceError(err: unknown): Partial<ServiceError> {
  if (err instanceof InferenceError) return { code: err.code, details: err.message, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: GrpcStatus.INTERNAL, details: message, message };
}

/**
 * The Open Inference Protocol gRPC service. Trace context arriving in the request metadata
 * (`traceparent`) becomes the parent of the ModelInfer span.
 */
export function grpcInferenceService(args: {
  host: ModelHost;
  handler: InferenceHandler;
  identity: ServerIdentity;
}): GRPCInferenceServiceServer {
  const { host, handler, identity } = args;
  return {
    serverLive: (_call, cb) => cb(null, { live: true }),
    serverReady: (_call, cb) => cb(null, { ready: identity.ready() }),
    modelReady: (call, cb) => {
      const { name, version } = call.request;
      if (!name) return cb(toServiceError(new InferenceError(GrpcStatus.INVALID_ARGUMENT, 'name is required')), null);
      cb(null, { ready: identity.ready() && host.isReady(name, version) });
    },
    serverMetadata: (_call, cb) =>
      cb(null, { name: identity.name, version: identity.version, extensions: [] }),
    modelMetadata: (call, cb) => {
      const { name, version } = call.request;
      host
        .resolve(name, version)
        .then((entry) => {
          const v = entry.version;
          const res: oip.ModelMetadataResponse = {
            name: v.model,
            versions: host.loadedVersions(v.model),
            platform: ONNX_PLATFORM,
            inputs: v.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] })),
            outputs: v.outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] })),
          };
          cb(null, res);
        })
        .catch((err: unknown) => cb(toServiceError(err), null));
    },
    modelInfer: (call, cb) => {
      const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter);
      context
        .with(parent, () => handler.infer(call.request))
        .then((res) => cb(null, res))
        .catch((err: unknown) => cb(toServiceError(err), null));
    },
  };
}
