import { Gauge, type Registry } from 'prom-client';
import type { EventBus } from '@ratchet/bus';
import { ConfigError, type Logger, startServiceHttpServer } from '@ratchet/service-kit';
import type { TrainingExecutor } from '@ratchet/training';
import type { RetrainerConfig } from '../retrainer-config.js';
import { BusTrainingExecutor } from './bus-training-executor.js';
import { DEFAULT_MAX_RECORD_BYTES } from './task-codec.js';
import { TaskWorker } from './task-worker.js';

/**
 * What a retrainer process does. Exactly one `coordinator` per deployment owns the batch store
 * (reads `ratchet.labeled.v1`), the jobs, their triggers and the rollouts, and trains tasks
 * too; any number of `worker`s only train tasks. Two processes appending to one store, or each
 * seeing a share of the labelled rows, would train on wrong batches.
 */
export type RetrainerRole = 'coordinator' | 'worker';

/** Where a job's candidates train: tasks over the bus (shared by every retrainer process), or threads of the coordinator. */
export type TrainingFanoutMode = 'bus' | 'threads';

/** How training is spread (see `RATCHET_RETRAINER_ROLE`, `RATCHET_TRAINING_FANOUT`, `RATCHET_TASK_*`). */
export interface TrainingFanoutSettings {
  readonly role: RetrainerRole;
  readonly fanout: TrainingFanoutMode;
  /** Consumer group prefix: workers share `<group>.tasks`, the coordinator reads `<group>.results`. */
  readonly groupId: string;
  /** A task is published again after this long without any result (see `BusTrainingExecutor`). */
  readonly taskTimeoutMs: number;
  /** Publications of one task before its job fails. */
  readonly taskAttempts: number;
  /** Largest task or result record. */
  readonly maxRecordBytes: number;
  /** Tasks one process trains at once (its training threads). */
  readonly concurrency: number;
  /**
   * Whether a coordinator with `bus` fan-out also trains tasks; false keeps it to the batch
   * store, jobs and rollouts (a small pod) and leaves all training to the workers. Default true.
   */
  readonly coordinatorTrains?: boolean;
}

export const defaultTrainingFanoutSettings: Omit<TrainingFanoutSettings, 'fanout' | 'groupId' | 'concurrency'> = {
  role: 'coordinator',
  taskTimeoutMs: 120_000,
  taskAttempts: 3,
  maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
};

/**
 * The fan-out a config describes: `RATCHET_TRAINING_FANOUT` defaults to `bus` when
 * `KAFKA_BROKERS` is set and `threads` otherwise. A worker needs tasks from other processes,
 * so `worker` with threads, or without a broker, is refused naming the variables.
 */
export function trainingFanoutSettings(c: RetrainerConfig, concurrency: number): TrainingFanoutSettings {
  const fanout = c.RATCHET_TRAINING_FANOUT ?? (c.KAFKA_BROKERS ? 'bus' : 'threads');
  const role = c.RATCHET_RETRAINER_ROLE;
  if (role === 'worker' && (fanout !== 'bus' || !c.KAFKA_BROKERS)) {
    const noBroker = !c.KAFKA_BROKERS;
    throw new ConfigError([
      {
        variable: noBroker ? 'KAFKA_BROKERS' : 'RATCHET_TRAINING_FANOUT',
        message: 'RATCHET_RETRAINER_ROLE=worker trains tasks from the coordinator over Kafka: set KAFKA_BROKERS and leave RATCHET_TRAINING_FANOUT at bus',
        received: noBroker ? undefined : fanout,
      },
    ]);
  }
  return {
    role,
    fanout,
    groupId: c.RATCHET_RETRAINER_GROUP,
    taskTimeoutMs: c.RATCHET_TASK_TIMEOUT_MS,
    taskAttempts: c.RATCHET_TASK_ATTEMPTS,
    maxRecordBytes: c.RATCHET_TASK_MAX_BYTES,
    concurrency,
    coordinatorTrains: c.RATCHET_COORDINATOR_TRAINS,
  };
}

/** What {@link startTrainingFanout} started. */
export interface TrainingFanout {
  /** The executor jobs train on: the bus executor (coordinator, `bus`) or the local pool. */
  readonly executor: TrainingExecutor;
  /** The bus executor, when this process coordinates bus training. */
  readonly coordinator: BusTrainingExecutor | undefined;
  /** This process's task worker, with `bus` fan-out. */
  readonly worker: TaskWorker | undefined;
  /** Stops taking tasks (those in hand finish and are answered), then stops waiting for results. */
  stop(): Promise<void>;
}

/** What {@link startTrainingFanout} uses. */
export interface TrainingFanoutDeps {
  readonly bus: EventBus;
  /** This process's training threads. */
  readonly pool: TrainingExecutor;
  readonly logger: Logger;
  readonly metrics: Registry;
}

function registerFanoutMetrics(registry: Registry, fanout: Pick<TrainingFanout, 'coordinator' | 'worker'>): void {
  new Gauge({
    name: 'ratchet_retrainer_training_tasks',
    help: 'Training tasks over the bus since start, by side: coordinator (runs, published, republished, results, duplicates, ignored) and worker (trained, failed)',
    labelNames: ['side', 'state'],
    registers: [registry],
    collect() {
      for (const [state, n] of Object.entries(fanout.coordinator?.counters ?? {})) this.set({ side: 'coordinator', state }, n);
      const w = fanout.worker?.counters;
      if (w) {
        this.set({ side: 'worker', state: 'trained' }, w.trained);
        this.set({ side: 'worker', state: 'failed' }, w.failed);
        this.set({ side: 'worker', state: 'stale' }, w.stale);
      }
    },
  });
}

/**
 * Starts the training side of a retrainer process: with `threads`, nothing (jobs use the
 * pool); with `bus`, a task worker in `<group>.tasks` training on the pool, and — for the
 * coordinator — the bus executor its jobs train on. Registers `ratchet_retrainer_training_tasks`.
 */
export async function startTrainingFanout(settings: TrainingFanoutSettings, deps: TrainingFanoutDeps): Promise<TrainingFanout> {
  if (settings.fanout === 'threads') return { executor: deps.pool, coordinator: undefined, worker: undefined, stop: async () => undefined };
  const trains = settings.role === 'worker' || settings.coordinatorTrains !== false;
  const worker = trains
    ? await TaskWorker.start(deps.bus, {
        groupId: `${settings.groupId}.tasks`,
        logger: deps.logger,
        pool: deps.pool,
        concurrency: settings.concurrency,
        maxRecordBytes: settings.maxRecordBytes,
        // By then the coordinator has re-published the task or given up on it (a queue that waits longer only costs a re-publication).
        staleAfterMs: settings.taskTimeoutMs * settings.taskAttempts,
      })
    : undefined;
  const coordinator =
    settings.role === 'coordinator'
      ? await BusTrainingExecutor.start(deps.bus, {
          groupId: `${settings.groupId}.results`,
          logger: deps.logger,
          taskTimeoutMs: settings.taskTimeoutMs,
          maxAttempts: settings.taskAttempts,
          maxRecordBytes: settings.maxRecordBytes,
        })
      : undefined;
  const fanout = { coordinator, worker };
  registerFanoutMetrics(deps.metrics, fanout);
  let stopping: Promise<void> | undefined;
  return {
    ...fanout,
    executor: coordinator ?? deps.pool,
    stop: () =>
      (stopping ??= (async () => {
        await worker?.stop();
        await coordinator?.close();
      })()),
  };
}

/** A running retrainer worker process (role `worker`). */
export interface RetrainerWorker {
  readonly worker: TaskWorker;
  readonly url: string | undefined;
  /** Graceful: tasks in hand are finished and answered, then the HTTP server closes. */
  stop(): Promise<void>;
}

/**
 * A process of role `worker`: trains tasks from `ratchet.retrain.tasks.v1` on its pool and
 * serves `/v2/health/*`, `/metrics` and `/api/tasks` (its counters). No batch store, jobs,
 * triggers or rollouts.
 */
export async function startRetrainerWorker(
  settings: TrainingFanoutSettings & { readonly httpHost: string; readonly httpPort: number },
  deps: TrainingFanoutDeps,
): Promise<RetrainerWorker> {
  if (settings.role !== 'worker' || settings.fanout !== 'bus') throw new RangeError(`startRetrainerWorker: role must be worker with bus fan-out, got ${settings.role} with ${settings.fanout}`);
  const fanout = await startTrainingFanout(settings, deps);
  const worker = fanout.worker as TaskWorker;
  let ready = true;
  const http = await startServiceHttpServer({
    host: settings.httpHost,
    port: settings.httpPort,
    registry: deps.metrics,
    ready: () => ready,
    routes: (app) => {
      app.get('/api/tasks', (_req, res) => {
        res.json({ workerId: worker.workerId, counters: worker.counters });
      });
    },
    logger: deps.logger,
  });
  deps.logger.info('retrainer worker ready', { workerId: worker.workerId, groupId: `${settings.groupId}.tasks`, http: http?.url ?? null });
  let stopping: Promise<void> | undefined;
  return {
    worker,
    url: http?.url,
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        await fanout.stop();
        await http?.close();
      })()),
  };
}
