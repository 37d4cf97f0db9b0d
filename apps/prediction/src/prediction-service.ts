import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import { GRPCInferenceServiceService, Topics } from '@ratchet/contracts';
import type { EventBus, Subscription } from '@ratchet/bus';
import type { FileRegistry } from '@ratchet/registry';
import {
  type Logger,
  createHealthService,
  startGrpcServer,
  startServiceHttpServer,
} from '@ratchet/service-kit';
import { grpcInferenceService } from './grpc-inference-service.js';
import { InferenceHandler } from './inference-handler.js';
import { ModelHost } from './model-host.js';
import { createPredictionMetrics } from './prediction-metrics.js';
import type { PredictionSink } from './prediction-record.js';

/** Settings of one prediction server (see `predictionConfigSchema` for the env variables). */
export interface PredictionServiceSettings {
  readonly grpcHost: string;
  /** 0 picks a free port. */
  readonly grpcPort: number;
  readonly httpHost: string;
  /** 0 picks a free port; -1 serves no HTTP. */
  readonly httpPort: number;
  readonly maxRequestBytes: number;
  readonly batching: { readonly enabled: boolean; readonly maxBatchRows: number; readonly maxQueueDelayMs: number };
  readonly intraOpThreads: number;
  readonly maxVersionsPerModel: number;
  /** Re-read the registry this often for new versions (0 = only on `ratchet.models.v1` events). */
  readonly registryPollMs: number;
  readonly serverId?: string;
  readonly drainMs: number;
}

export const defaultPredictionSettings: PredictionServiceSettings = {
  grpcHost: '127.0.0.1',
  grpcPort: 8001,
  httpHost: '127.0.0.1',
  httpPort: 8000,
  maxRequestBytes: 16 * 1024 * 1024,
  batching: { enabled: true, maxBatchRows: 256, maxQueueDelayMs: 0 },
  intraOpThreads: 1,
  maxVersionsPerModel: 3,
  registryPollMs: 0,
  drainMs: 10_000,
};

export interface PredictionServiceDeps {
  readonly registry: FileRegistry;
  readonly logger: Logger;
  /** Source of `ratchet.models.v1` announcements (hot swap); optional. */
  readonly bus?: Pick<EventBus, 'subscribe'>;
  /** Where served predictions are logged; optional. */
  readonly sink?: PredictionSink;
  /** Prometheus registry for the service's metrics. */
  readonly metrics: Registry;
  readonly version?: string;
}

/** A running prediction service. */
export interface PredictionService {
  readonly grpcPort: number;
  readonly httpPort: number | undefined;
  readonly host: ModelHost;
  readonly serverId: string;
  /** Ordered shutdown: not ready → drain gRPC → stop consuming → close HTTP → free sessions. */
  stop(): Promise<void>;
}

/**
 * Starts the prediction service: loads the latest version of every registered model, serves
 * the Open Inference Protocol and grpc.health.v1 over gRPC and health/metrics over HTTP, and
 * hot-swaps versions announced on `ratchet.models.v1`.
 */
export async function startPredictionService(
  settings: PredictionServiceSettings,
  deps: PredictionServiceDeps,
): Promise<PredictionService> {
  const serverId = settings.serverId ?? `prediction-${randomUUID().slice(0, 8)}`;
  const logger = deps.logger.child({ component: 'prediction', serverId });
  const metrics = createPredictionMetrics(deps.metrics, () => deps.sink?.counters);
  let ready = false;
  const host = new ModelHost({
    registry: deps.registry,
    logger,
    tuning: { intraOpThreads: settings.intraOpThreads },
    maxVersionsPerModel: settings.maxVersionsPerModel,
    batching: (manifest) => ({
      enabled: settings.batching.enabled,
      maxBatchRows: manifest?.maxBatchSize || settings.batching.maxBatchRows,
      maxQueueDelayMs: manifest?.maxQueueDelayMs || settings.batching.maxQueueDelayMs,
    }),
    onBatchRun: (model, _version, rows) => metrics.batchRows.observe({ model }, rows),
    onLoadFailure: (model) => metrics.loadFailures.inc({ model }),
  });
  const refreshGauge = () => {
    metrics.loadedVersions.reset();
    for (const m of host.modelNames()) metrics.loadedVersions.set({ model: m }, host.loadedVersions(m).length);
  };

  await host.loadAll();
  refreshGauge();

  let subscription: Subscription | undefined;
  if (deps.bus) {
    // Every server must see every announcement, so each one is its own consumer group.
    subscription = await deps.bus.subscribe(
      Topics.models,
      async (event) => {
        await host.onPublished(event);
        refreshGauge();
      },
      { groupId: serverId, fromBeginning: true, maxAttempts: 3 },
    );
  }
  let poll: NodeJS.Timeout | undefined;
  if (settings.registryPollMs > 0) {
    poll = setInterval(() => {
      void host.loadAll().then(refreshGauge, (err: unknown) => logger.warn('registry poll failed', { error: String(err) }));
    }, settings.registryPollMs);
    poll.unref();
  }

  const handler = new InferenceHandler({
    host,
    ...(deps.sink ? { sink: deps.sink } : {}),
    metrics,
    maxRequestBytes: settings.maxRequestBytes,
    serverId,
  });
  const identity = { name: 'ratchet-prediction', version: deps.version ?? '0.1.0', ready: () => ready };
  const health = createHealthService();
  const grpc = await startGrpcServer({
    host: settings.grpcHost,
    port: settings.grpcPort,
    services: [
      { definition: GRPCInferenceServiceService, implementation: grpcInferenceService({ host, handler, identity }) },
      { definition: health.definition, implementation: health.implementation },
    ],
    // gRPC's own cap sits above ours so that an oversized request gets our INVALID_ARGUMENT.
    maxReceiveMessageLength: settings.maxRequestBytes * 4,
    logger,
  });
  const http = await startServiceHttpServer({
    host: settings.httpHost,
    port: settings.httpPort,
    registry: deps.metrics,
    ready: () => ready,
    logger,
  });
  ready = true;
  health.setStatus('', 'SERVING');
  health.setStatus('inference.GRPCInferenceService', 'SERVING');
  logger.info('prediction service ready', {
    grpc: `${settings.grpcHost}:${grpc.port}`,
    http: http ? `${settings.httpHost}:${http.port}` : null,
    models: host.modelNames(),
  });

  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpc.port,
    httpPort: http?.port,
    host,
    serverId,
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        health.setStatus('', 'NOT_SERVING');
        health.setStatus('inference.GRPCInferenceService', 'NOT_SERVING');
        if (poll) clearInterval(poll);
        await grpc.close(settings.drainMs);
        await subscription?.stop();
        await http?.close();
        host.close();
        logger.info('prediction service stopped');
      })()),
  };
}
