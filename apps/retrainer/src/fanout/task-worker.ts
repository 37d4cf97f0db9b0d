import { hostname } from 'node:os';
import { type Topic, type TrainingResult, type TrainingTask, Topics } from '@ratchet/contracts';
import type { EventBus, MessageContext, Subscription } from '@ratchet/bus';
import type { Logger } from '@ratchet/service-kit';
import { type CompactTask, type TrainOutcome, type TrainingExecutor, TrainingError, runTrainTask } from '@ratchet/training';
import {
  DEFAULT_MAX_RECORD_BYTES,
  type FanoutTransportOptions,
  type ResultMeta,
  decodeTrainingTask,
  encodedBytes,
  failedResultMessage,
  trainingResultMessage,
} from './task-codec.js';

/** Options of {@link TaskWorker.start}. */
export interface TaskWorkerOptions extends FanoutTransportOptions {
  /** Consumer group the workers share (`<group>.tasks`): each task goes to one member. */
  readonly groupId: string;
  readonly logger: Logger;
  /** Names this worker in results and logs; default `<hostname>-<pid>`. */
  readonly workerId?: string;
  /** Trains on these worker threads; default in this thread (which blocks it while a task trains). */
  readonly pool?: TrainingExecutor;
  /** Partitions handled at once (one task each); match the pool's threads. Default 1. */
  readonly concurrency?: number;
  /**
   * A task published longer ago than this is skipped: its coordinator has re-published it (or
   * given up) by then. It lets the group start from the beginning of the topic — so tasks
   * published before the first worker joined are trained — without training old runs again.
   * The retrainer uses the coordinator's task timeout × attempts. Default: no task is too old.
   */
  readonly staleAfterMs?: number;
}

/** What a worker did since it started. */
export interface TaskWorkerCounters {
  /** Tasks trained (counted before the result is published). */
  trained: number;
  /** Tasks answered with a failure (the spec's fault, or a result over the record limit). */
  failed: number;
  /** Milliseconds spent training. */
  trainMs: number;
  /** Tasks skipped as older than `staleAfterMs`. */
  stale: number;
}

/**
 * A retrainer worker: a member of the `<group>.tasks` consumer group on
 * `ratchet.retrain.tasks.v1` that trains each task it is given (`runTrainTask`, on the local
 * pool when there is one) and publishes the result on `ratchet.retrain.results.v1`. The
 * record is committed only after the result is acknowledged, so the task of a worker killed
 * mid-way is redelivered to another member. A training error the spec causes is answered
 * with a failed result (the coordinator fails the job with it); a retriable one (a worker
 * thread died) is thrown for the bus to retry; a result over `maxRecordBytes` is answered with
 * a failure naming the limit; a task that cannot be decoded goes to
 * `ratchet.retrain.tasks.v1.dlq` by the bus's normal path.
 */
export class TaskWorker {
  readonly counters: TaskWorkerCounters = { trained: 0, failed: 0, trainMs: 0, stale: 0 };
  readonly workerId: string;
  private subscription: Subscription | undefined;
  private readonly logger: Logger;
  private readonly maxRecordBytes: number;
  private readonly resultsTopic: Topic<TrainingResult>;
  private readonly now: () => number;

  private constructor(
    private readonly bus: EventBus,
    private readonly options: TaskWorkerOptions,
  ) {
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}`;
    this.logger = options.logger.child({ component: 'training-worker', workerId: this.workerId });
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.resultsTopic = options.resultsTopic ?? Topics.retrainResults;
    this.now = options.now ?? Date.now;
  }

  /** Joins the workers' group; resolves once this member holds its share of the partitions. */
  static async start(bus: EventBus, options: TaskWorkerOptions): Promise<TaskWorker> {
    const worker = new TaskWorker(bus, options);
    await bus.ensureTopics([worker.resultsTopic as Topic<unknown>]);
    worker.subscription = await bus.subscribe(options.tasksTopic ?? Topics.retrainTasks, (task, ctx) => worker.handle(task, ctx), {
      groupId: options.groupId,
      // A new group reads the whole topic (tasks published before any worker joined); stale ones are skipped.
      fromBeginning: true,
      concurrency: options.concurrency ?? 1,
    });
    worker.logger.info('training worker ready', { groupId: options.groupId, concurrency: options.concurrency ?? 1 });
    return worker;
  }

  /** Graceful: takes no new task, finishes and answers the ones in hand, then leaves the group. */
  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  /** What a crash does: leaves the group at once; the tasks in hand are not committed and go to another member. */
  async abandon(): Promise<void> {
    await this.subscription?.abandon();
  }

  private async handle(message: TrainingTask, ctx: MessageContext): Promise<void> {
    const staleAfter = this.options.staleAfterMs;
    if (staleAfter !== undefined && this.now() - Number(message.publishedAtMs) > staleAfter) {
      this.counters.stale++;
      this.logger.debug('stale training task skipped', { runId: message.runId, jobId: message.jobId, taskIndex: message.taskIndex, publishedAtMs: Number(message.publishedAtMs) });
      return;
    }
    const decoded = decodeTrainingTask(message);
    const ids = { runId: message.runId, jobId: message.jobId, taskIndex: message.taskIndex, attempt: message.attempt, delivery: ctx.attempt };
    const t0 = performance.now();
    let result: TrainingResult;
    try {
      const outcome = await this.train(decoded);
      const meta = this.meta(t0);
      result = trainingResultMessage(message, outcome, meta);
      const bytes = encodedBytes(this.resultsTopic, result);
      if (bytes > this.maxRecordBytes) {
        result = failedResultMessage(
          message,
          `its result needs a ${bytes}-byte record (pipeline JSON ${result.resultJson.length} characters), over the ${this.maxRecordBytes}-byte limit of ${this.resultsTopic.name} ` +
            "(Kafka's message.max.bytes is 1 MB by default): use smaller models (search space), or raise the broker's message.max.bytes and RATCHET_TASK_MAX_BYTES",
          meta,
        );
      }
    } catch (err) {
      // A worker thread that died, or a pool shutting down: another delivery may succeed.
      if ((err as { retriable?: unknown }).retriable === true) throw err;
      // The pool wraps the spec's error as "training task 0 … failed: <reason>"; the reason is what the coordinator needs.
      const reason = err instanceof TrainingError && err.cause instanceof Error ? err.cause : err;
      result = failedResultMessage(message, reason instanceof Error ? reason.message : String(reason), this.meta(t0));
    }
    this.counters.trainMs += result.trainMs;
    if (result.ok) this.counters.trained++;
    else this.counters.failed++;
    await this.bus.publish(this.resultsTopic, result);
    if (result.ok) this.logger.debug('training task done', { ...ids, ms: Math.round(result.trainMs) });
    else this.logger.warn('training task failed', { ...ids, error: result.error });
  }

  private meta(t0: number): ResultMeta {
    return { workerId: this.workerId, trainMs: performance.now() - t0, finishedAtMs: this.now() };
  }

  private async train({ table, task }: CompactTask): Promise<TrainOutcome> {
    const pool = this.options.pool;
    if (pool === undefined) return runTrainTask(table, task);
    const handle = pool.shareTable(table);
    try {
      const [outcome] = await pool.run(handle, [task]);
      if (outcome === undefined) throw new Error('the training pool returned no outcome');
      return outcome;
    } finally {
      pool.releaseTable(handle);
    }
  }
}
