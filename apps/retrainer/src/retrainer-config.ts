import { z } from 'zod';
import { boolean, commonServiceConfig, loadConfig, nonNegativeInt, oneOf, port, positiveInt, text, type Env } from '@ratchet/service-kit';
import { type RetrainerServiceSettings, defaultRetrainerSettings as d } from './retrainer-service.js';
import { defaultRolloutControllerSettings } from './rollout/rollout-controller.js';
import { defaultRolloutCriteria } from './rollout/rollout-decision.js';
import { defaultTrainingFanoutSettings as f } from './fanout/training-fanout.js';

const j = d.jobs;
const fraction = () => z.coerce.number().gt(0).lt(1);

/** Environment variables of `ratchet serve retrainer`, with their defaults. */
export const retrainerConfigSchema = z.object({
  /** The registry (production versions are read from it, new versions published to it), the broker and its topic prefix, logs and traces. */
  ...commonServiceConfig,
  /** Batch store root: `<root>/<model>/batch-NNNNNN.jsonl`. */
  RATCHET_BATCHES: text().default('./var/batches'),
  RATCHET_JOBS: text().default(d.jobsRoot),
  RATCHET_BATCH_ROWS: positiveInt({ max: 100_000_000 }).default(1000),
  RATCHET_BATCH_MAX_AGE_MS: positiveInt().default(3_600_000),
  RATCHET_HTTP_HOST: text().default(d.httpHost),
  RATCHET_HTTP_PORT: port().default(d.httpPort),
  RATCHET_RETRAINER_GROUP: text().default(d.groupId),
  RATCHET_RETRAINER_FROM_BEGINNING: boolean().default(d.fromBeginning),
  RATCHET_RETRAINER_TICK_MS: positiveInt().default(d.tickMs),
  /** Training worker threads (0 = one per core). */
  RATCHET_TRAINING_WORKERS: nonNegativeInt().default(0),
  /** `coordinator` (batch store, jobs, rollouts; trains tasks too; one per deployment) or `worker` (trains tasks only). */
  RATCHET_RETRAINER_ROLE: oneOf(['coordinator', 'worker'] as const).default(f.role),
  /** Where candidates train: `bus` (tasks on ratchet.retrain.tasks.v1) or `threads`; default bus with KAFKA_BROKERS, else threads. */
  RATCHET_TRAINING_FANOUT: oneOf(['bus', 'threads'] as const).optional(),
  /** A task is published again after this long without any result. */
  /** With bus fan-out, whether the coordinator trains tasks too (false: only workers train). */
  RATCHET_COORDINATOR_TRAINS: boolean().default(true),
  RATCHET_TASK_TIMEOUT_MS: positiveInt().default(f.taskTimeoutMs),
  RATCHET_TASK_ATTEMPTS: positiveInt({ max: 100 }).default(f.taskAttempts),
  /** Largest task or result record (Kafka's message.max.bytes is 1 MB by default). */
  RATCHET_TASK_MAX_BYTES: positiveInt().default(f.maxRecordBytes),
  RATCHET_RETRAIN_K: positiveInt({ max: 1000 }).default(j.k),
  RATCHET_RETRAIN_ALPHA: fraction().default(j.alpha),
  RATCHET_RETRAIN_MODE: oneOf(['auc', 'loss'] as const).default(j.mode),
  RATCHET_RETRAIN_BUDGET: z.coerce.number().min(0).max(1).default(j.budget),
  RATCHET_RETRAIN_CONFIDENCE: fraction().default(j.confidence),
  RATCHET_RETRAIN_GATE: oneOf(['knn', 'meta'] as const).default(j.gate),
  RATCHET_RETRAIN_HOLDOUT: fraction().default(j.holdoutFraction),
  RATCHET_RETRAIN_MAX_BATCHES: positiveInt({ max: 10_000 }).default(j.maxBatches),
  RATCHET_RETRAIN_MIN_BATCH_ROWS: positiveInt().default(j.minBatchRows),
  RATCHET_RETRAIN_MODEL: text().default(j.defaultModelKind),
  RATCHET_RETRAIN_SEED: nonNegativeInt().default(j.seed),
  /** Labelled rows stored after a drift or performance alert before its job starts (0 = at once). */
  RATCHET_RETRAIN_FRESH_ROWS: nonNegativeInt().default(d.triggers.freshRows),
  /** Folder of alerts waiting for fresh rows. */
  RATCHET_TRIGGERS: text().default('./var/triggers'),
  /** Router admin address (host:port); when set, every published version starts a canary rollout. */
  RATCHET_ROUTER_ADMIN_URL: text().optional(),
  RATCHET_CANARY_SHARE: fraction().default(defaultRolloutControllerSettings.canaryShare),
  RATCHET_CANARY_STICKY_KEY: text().optional(),
  RATCHET_ROLLOUT_MIN_SAMPLE: positiveInt().default(defaultRolloutCriteria.minSamplePerArm),
  RATCHET_ROLLOUT_ALPHA: fraction().default(defaultRolloutCriteria.alpha),
  RATCHET_ROLLOUT_TOLERANCE: z.coerce.number().min(0).lt(1).default(defaultRolloutCriteria.tolerance),
  RATCHET_ROLLOUT_TIMEOUT_MS: positiveInt().default(defaultRolloutCriteria.timeoutMs),
  RATCHET_ROLLOUTS: text().default('./var/rollouts'),
  RATCHET_OUTPUT_BUFFER: positiveInt().default(d.outputBuffer),
});

export type RetrainerConfig = z.output<typeof retrainerConfigSchema>;

/** Reads and validates the retrainer's environment. */
export function loadRetrainerConfig(env?: Env): RetrainerConfig {
  return loadConfig(retrainerConfigSchema, env);
}

/** The service settings a config describes. */
export function retrainerSettings(c: RetrainerConfig): RetrainerServiceSettings {
  return {
    httpHost: c.RATCHET_HTTP_HOST,
    httpPort: c.RATCHET_HTTP_PORT,
    groupId: c.RATCHET_RETRAINER_GROUP,
    fromBeginning: c.RATCHET_RETRAINER_FROM_BEGINNING,
    jobsRoot: c.RATCHET_JOBS,
    tickMs: c.RATCHET_RETRAINER_TICK_MS,
    outputBuffer: c.RATCHET_OUTPUT_BUFFER,
    triggers: { freshRows: c.RATCHET_RETRAIN_FRESH_ROWS, batchRows: c.RATCHET_BATCH_ROWS, pendingRoot: c.RATCHET_TRIGGERS },
    jobs: {
      ...j,
      k: c.RATCHET_RETRAIN_K,
      alpha: c.RATCHET_RETRAIN_ALPHA,
      mode: c.RATCHET_RETRAIN_MODE,
      budget: c.RATCHET_RETRAIN_BUDGET,
      confidence: c.RATCHET_RETRAIN_CONFIDENCE,
      gate: c.RATCHET_RETRAIN_GATE,
      holdoutFraction: c.RATCHET_RETRAIN_HOLDOUT,
      maxBatches: c.RATCHET_RETRAIN_MAX_BATCHES,
      minBatchRows: c.RATCHET_RETRAIN_MIN_BATCH_ROWS,
      defaultModelKind: c.RATCHET_RETRAIN_MODEL,
      seed: c.RATCHET_RETRAIN_SEED,
    },
    ...(c.RATCHET_ROUTER_ADMIN_URL
      ? {
          rollout: {
            routerAdmin: c.RATCHET_ROUTER_ADMIN_URL,
            canaryShare: c.RATCHET_CANARY_SHARE,
            minSamplePerArm: c.RATCHET_ROLLOUT_MIN_SAMPLE,
            alpha: c.RATCHET_ROLLOUT_ALPHA,
            tolerance: c.RATCHET_ROLLOUT_TOLERANCE,
            timeoutMs: c.RATCHET_ROLLOUT_TIMEOUT_MS,
            ...(c.RATCHET_CANARY_STICKY_KEY ? { stickyKey: c.RATCHET_CANARY_STICKY_KEY } : {}),
            statesRoot: c.RATCHET_ROLLOUTS,
          },
        }
      : {}),
  };
}
