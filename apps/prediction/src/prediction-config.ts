import { z } from 'zod';
import { boolean, loadConfig, nonNegativeInt, port, positiveInt, text, type Env, commonServiceConfig } from '@ratchet/service-kit';
import { type PredictionServiceSettings, defaultPredictionSettings as d } from './prediction-service.js';

/** Environment variables of `ratchet serve prediction`, with their defaults. */
export const predictionConfigSchema = z.object({
  ...commonServiceConfig,
  RATCHET_GRPC_HOST: text().default(d.grpcHost),
  RATCHET_GRPC_PORT: port().default(d.grpcPort),
  RATCHET_HTTP_HOST: text().default(d.httpHost),
  RATCHET_HTTP_PORT: port().default(d.httpPort),
  RATCHET_MAX_REQUEST_BYTES: positiveInt().default(d.maxRequestBytes),
  RATCHET_BATCHING: boolean().default(d.batching.enabled),
  RATCHET_MAX_BATCH_ROWS: positiveInt({ max: 1_000_000 }).default(d.batching.maxBatchRows),
  RATCHET_MAX_QUEUE_DELAY_MS: nonNegativeInt({ max: 10_000 }).default(d.batching.maxQueueDelayMs),
  RATCHET_ORT_THREADS: positiveInt({ max: 256 }).default(d.intraOpThreads),
  RATCHET_MAX_VERSIONS_PER_MODEL: positiveInt({ max: 100 }).default(d.maxVersionsPerModel),
  RATCHET_REGISTRY_POLL_MS: nonNegativeInt().default(d.registryPollMs),
  RATCHET_DRAIN_MS: nonNegativeInt().default(d.drainMs),
  /** Records kept in memory while the broker is unreachable before the oldest are dropped. */
  RATCHET_LOG_BUFFER: positiveInt().default(100_000),
});

export type PredictionConfig = z.output<typeof predictionConfigSchema>;

/** Reads and validates the prediction service's environment. */
export function loadPredictionConfig(env?: Env): PredictionConfig {
  return loadConfig(predictionConfigSchema, env);
}

/** The service settings a config describes. */
export function predictionSettings(c: PredictionConfig): PredictionServiceSettings {
  return {
    grpcHost: c.RATCHET_GRPC_HOST,
    grpcPort: c.RATCHET_GRPC_PORT,
    httpHost: c.RATCHET_HTTP_HOST,
    httpPort: c.RATCHET_HTTP_PORT,
    maxRequestBytes: c.RATCHET_MAX_REQUEST_BYTES,
    batching: {
      enabled: c.RATCHET_BATCHING,
      maxBatchRows: c.RATCHET_MAX_BATCH_ROWS,
      maxQueueDelayMs: c.RATCHET_MAX_QUEUE_DELAY_MS,
    },
    intraOpThreads: c.RATCHET_ORT_THREADS,
    maxVersionsPerModel: c.RATCHET_MAX_VERSIONS_PER_MODEL,
    registryPollMs: c.RATCHET_REGISTRY_POLL_MS,
    drainMs: c.RATCHET_DRAIN_MS,
  };
}
