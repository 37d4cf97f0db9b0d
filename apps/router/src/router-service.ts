import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import { GRPCInferenceServiceService, RouterAdminService, Topics } from '@ratchet/contracts';
import type { EventBus, Subscription } from '@ratchet/bus';
import { type Logger, createHealthService, grpcService, startGrpcServer, startServiceHttpServer } from '@ratchet/service-kit';
import { BreakerBoard } from './circuit-breaker.js';
import { grpcRouterService } from './grpc-router-service.js';
import { type MemberEndpoints, MemberPool } from './member-pool.js';
import type { VersionLookup } from './policy-validation.js';
import { PolicyStore } from './policy-store.js';
import { type RouteSink, RouteEngine } from './route-engine.js';
import { RouterAdmin, routerAdminService } from './router-admin.js';
import { type RouteLogCounters, createRouterMetrics } from './router-metrics.js';

/** Settings of one router (see `routerConfigSchema` for the env variables). */
export interface RouterServiceSettings {
  readonly grpcHost: string;
  /** 0 picks a free port. */
  readonly grpcPort: number;
  readonly httpHost: string;
  /** 0 picks a free port; -1 serves no HTTP. */
  readonly httpPort: number;
  /** Where the prediction services listen. */
  readonly members: MemberEndpoints;
  readonly channelsPerAddress: number;
  /** Deadline of a member call when the policy sets none. */
  readonly memberDeadlineMs: number;
  readonly breaker: { readonly failureThreshold: number; readonly cooldownMs: number };
  readonly maxRequestBytes: number;
  readonly routerId?: string;
  readonly drainMs: number;
}

export const defaultRouterSettings: RouterServiceSettings = {
  grpcHost: '127.0.0.1',
  grpcPort: 8011,
  httpHost: '127.0.0.1',
  httpPort: 8010,
  members: { default: ['127.0.0.1:8001'] },
  channelsPerAddress: 2,
  memberDeadlineMs: 2000,
  breaker: { failureThreshold: 5, cooldownMs: 5000 },
  maxRequestBytes: 64 * 1024 * 1024,
  drainMs: 10_000,
};

export interface RouterServiceDeps {
  /** Where policies are validated (versions must exist). */
  readonly registry: VersionLookup;
  /** Carries `ratchet.policies.v1`: published by the admin API, applied by every router. */
  readonly bus: Pick<EventBus, 'publish' | 'subscribe'>;
  /** Where route records go (`ratchet.predictions.v1`); optional. */
  readonly sink?: RouteSink & { readonly counters?: RouteLogCounters };
  readonly metrics: Registry;
  readonly logger: Logger;
  readonly version?: string;
  /** Uniform [0,1) source for random arms and shadow sampling; seed it in tests. */
  readonly random?: () => number;
}

/** A running router. */
export interface RouterService {
  readonly grpcPort: number;
  readonly httpPort: number | undefined;
  readonly routerId: string;
  readonly store: PolicyStore;
  readonly admin: RouterAdmin;
  /** Ordered shutdown: not ready → drain gRPC → stop consuming policies → close HTTP → close channels. */
  stop(): Promise<void>;
}

/**
 * Starts the router: applies the policies on `ratchet.policies.v1`, serves the Open Inference
 * Protocol (routing every ModelInfer by its model's policy), `ratchet.v1.RouterAdmin` and
 * `grpc.health.v1` over gRPC, and health/metrics over HTTP.
 */
export async function startRouterService(settings: RouterServiceSettings, deps: RouterServiceDeps): Promise<RouterService> {
  const routerId = settings.routerId ?? `router-${randomUUID().slice(0, 8)}`;
  const logger = deps.logger.child({ component: 'router', routerId });
  const store = new PolicyStore();
  const breakers = new BreakerBoard(settings.breaker);
  const pool = new MemberPool(settings.members, { channelsPerAddress: settings.channelsPerAddress });
  const metrics = createRouterMetrics(deps.metrics, { breakers: () => breakers.states(), routeLog: () => deps.sink?.counters });
  let ready = false;

  // Each router is its own consumer group: every instance must apply every policy.
  const subscription: Subscription = await deps.bus.subscribe(
    Topics.policies,
    (event) => {
      const applied = store.apply(event);
      metrics.policyUpdates.inc({ outcome: applied ? 'applied' : 'ignored' });
      if (applied) logger.info('policy applied', { model: event.model, revision: event.revision, deleted: event.deleted });
    },
    { groupId: routerId, fromBeginning: true, maxAttempts: 3 },
  );

  const engine = new RouteEngine({
    pool,
    store,
    breakers,
    memberDeadlineMs: settings.memberDeadlineMs,
    routerId,
    ...(deps.sink ? { sink: deps.sink } : {}),
    metrics,
    logger,
    ...(deps.random ? { random: deps.random } : {}),
  });
  const admin = new RouterAdmin({ store, registry: deps.registry, bus: deps.bus, logger });
  const identity = { name: 'ratchet-router', version: deps.version ?? '0.1.0', ready: () => ready };
  const health = createHealthService();
  const grpc = await startGrpcServer({
    host: settings.grpcHost,
    port: settings.grpcPort,
    services: [
      grpcService(GRPCInferenceServiceService, grpcRouterService({ engine, pool, identity })),
      grpcService(RouterAdminService, routerAdminService(admin, store)),
      { definition: health.definition, implementation: health.implementation },
    ],
    maxReceiveMessageLength: settings.maxRequestBytes,
    logger,
  });
  const http = await startServiceHttpServer({ host: settings.httpHost, port: settings.httpPort, registry: deps.metrics, ready: () => ready, logger });
  ready = true;
  health.setStatus('', 'SERVING');
  health.setStatus('inference.GRPCInferenceService', 'SERVING');
  health.setStatus('ratchet.v1.RouterAdmin', 'SERVING');
  logger.info('router ready', { grpc: `${settings.grpcHost}:${grpc.port}`, http: http ? `${settings.httpHost}:${http.port}` : null, members: settings.members });

  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpc.port,
    httpPort: http?.port,
    routerId,
    store,
    admin,
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        health.shutdown();
        await grpc.close(settings.drainMs);
        await subscription.stop();
        await http?.close();
        pool.close();
        logger.info('router stopped');
      })()),
  };
}
