import { randomUUID } from 'node:crypto';
import { type Topic, type TrainingResult, type TrainingTask, Topics, deadLetterTopicName } from '@ratchet/contracts';
import { type EventBus, type Subscription, isRetriable } from '@ratchet/bus';
import type { Logger } from '@ratchet/service-kit';
import type { Table } from '@ratchet/ml';
import {
  type TableHandle,
  type TrainOutcome,
  type TrainTask,
  type TrainingExecutor,
  type TrainingRunOptions,
  TrainingError,
  compactTask,
  trainingCancelled,
} from '@ratchet/training';
import { DEFAULT_MAX_RECORD_BYTES, type FanoutTransportOptions, decodeTrainingResult, encodedBytes, trainingTaskMessage } from './task-codec.js';

/** Options of {@link BusTrainingExecutor.start}. */
export interface BusTrainingExecutorOptions extends FanoutTransportOptions {
  /** Consumer group of the results subscription; one coordinator per deployment reads them. */
  readonly groupId: string;
  readonly logger: Logger;
  /**
   * A task is published again when no result of any run came for this long and the task was
   * sent at least this long ago (a quiet queue, not a long one, is what makes a task look lost).
   * Default 120 000.
   */
  readonly taskTimeoutMs?: number;
  /** Publications of one task before its run fails. Default 3. (A task record over `maxRecordBytes` fails its run before anything is published.) */
  readonly maxAttempts?: number;
  /** Id of each new run; default a random UUID (tests pass a counter, so tasks land on known partitions). */
  readonly runIds?: () => string;
}

/** What the executor did since it started. */
export interface BusTrainingExecutorCounters {
  runs: number;
  /** Task records published, re-publications included. */
  published: number;
  republished: number;
  /** Results accepted (one per task). */
  results: number;
  /** Results of a task that already had one (a redelivered or re-published task trained twice). */
  duplicates: number;
  /** Results of runs this executor is not running (finished, cancelled, or another process's). */
  ignored: number;
}

interface Run {
  readonly runId: string;
  readonly jobId: string;
  readonly tasks: readonly TrainTask[];
  readonly messages: TrainingTask[];
  /** Encoded size of each task record. */
  readonly bytes: readonly number[];
  readonly sentAt: number[];
  readonly outcomes: (TrainOutcome | undefined)[];
  done: number;
  settled: boolean;
  readonly resolve: (outcomes: TrainOutcome[]) => void;
  readonly reject: (err: Error) => void;
  readonly onProgress: ((done: number, total: number) => void) | undefined;
  cleanup: () => void;
}

/** Task records published in one call stay under this many bytes, so several fit one Kafka request. */
const PUBLISH_CHUNK_BYTES = 400_000;

/**
 * A {@link TrainingExecutor} whose tasks train in other processes: every task is compacted to
 * the rows it reads and published on `ratchet.retrain.tasks.v1` (key `<run>/<index>`, spread
 * over the partitions that the workers' consumer group shares); results come back on
 * `ratchet.retrain.results.v1` and are matched by (run, task index). Duplicates and results of
 * other runs are ignored; a task whose result does not come in time is published again (see
 * `taskTimeoutMs`), up to `maxAttempts`; a task whose training failed fails its run with a
 * non-retriable `TrainingError` naming task, model and worker; aborting rejects at once (tasks
 * already on the topic are still trained, and their results ignored). Training is
 * deterministic in each task's seed, so which worker answers does not change the outcome.
 */
export class BusTrainingExecutor implements TrainingExecutor {
  readonly counters: BusTrainingExecutorCounters = { runs: 0, published: 0, republished: 0, results: 0, duplicates: 0, ignored: 0 };
  private readonly tables = new Map<number, Table>();
  private readonly runs = new Map<string, Run>();
  private nextTableId = 1;
  private lastResultAt = 0;
  private subscription: Subscription | undefined;
  private readonly timer: NodeJS.Timeout;
  private closing: Promise<void> | undefined;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxRecordBytes: number;
  private readonly tasksTopic: Topic<TrainingTask>;
  private readonly resultsTopic: Topic<TrainingResult>;
  private readonly now: () => number;
  private readonly runIds: () => string;

  private constructor(
    private readonly bus: EventBus,
    options: BusTrainingExecutorOptions,
  ) {
    this.logger = options.logger.child({ component: 'training-executor' });
    this.timeoutMs = options.taskTimeoutMs ?? 120_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.tasksTopic = options.tasksTopic ?? Topics.retrainTasks;
    this.resultsTopic = options.resultsTopic ?? Topics.retrainResults;
    this.now = options.now ?? Date.now;
    this.runIds = options.runIds ?? randomUUID;
    if (!(this.timeoutMs > 0)) throw new RangeError(`BusTrainingExecutor: taskTimeoutMs must be > 0, got ${this.timeoutMs}`);
    if (!(Number.isInteger(this.maxAttempts) && this.maxAttempts >= 1)) throw new RangeError(`BusTrainingExecutor: maxAttempts must be an integer ≥ 1, got ${this.maxAttempts}`);
    this.timer = setInterval(() => this.checkTimeouts(), Math.max(10, Math.min(1_000, this.timeoutMs / 4)));
    this.timer.unref();
  }

  /** Subscribes to the results (records published from now on) and returns the executor. */
  static async start(bus: EventBus, options: BusTrainingExecutorOptions): Promise<BusTrainingExecutor> {
    const executor = new BusTrainingExecutor(bus, options);
    try {
      await bus.ensureTopics([executor.tasksTopic as Topic<unknown>]);
      executor.subscription = await bus.subscribe(executor.resultsTopic, (r) => executor.onResult(r), { groupId: options.groupId, fromBeginning: false });
    } catch (err) {
      clearInterval(executor.timer);
      throw err;
    }
    return executor;
  }

  /** Runs in progress and their finished / total tasks. */
  active(): { runId: string; jobId: string; done: number; total: number }[] {
    return [...this.runs.values()].map((r) => ({ runId: r.runId, jobId: r.jobId, done: r.done, total: r.tasks.length }));
  }

  shareTable(table: Table): TableHandle {
    this.assertOpen('shareTable');
    const id = this.nextTableId++;
    this.tables.set(id, table);
    return { id, nRows: table.nRows };
  }

  releaseTable(handle: TableHandle): void {
    this.tables.delete(handle.id);
  }

  /**
   * Publishes every task (each with just the rows it reads) and resolves with the outcomes in
   * task order once each has a result. A task whose record would exceed `maxRecordBytes`
   * fails the run before anything is published.
   */
  async run(handle: TableHandle, tasks: readonly TrainTask[], { onProgress, signal, jobId = 'job' }: TrainingRunOptions = {}): Promise<TrainOutcome[]> {
    this.assertOpen('run');
    const table = this.tables.get(handle.id);
    if (table === undefined) throw new TrainingError(`BusTrainingExecutor.run: table ${handle.id} is not shared (released?)`, false);
    if (tasks.length === 0) return [];
    if (signal?.aborted) throw trainingCancelled(signal);
    const runId = this.runIds();
    const at = this.now();
    const sizes: number[] = [];
    const messages = tasks.map((task, taskIndex) => {
      const message = trainingTaskMessage(compactTask(table, task), { runId, jobId, taskIndex, taskCount: tasks.length, attempt: 1 }, at);
      const bytes = encodedBytes(this.tasksTopic, message);
      sizes.push(bytes);
      if (bytes > this.maxRecordBytes) {
        throw new TrainingError(
          `training task ${taskIndex} of job ${jobId} (model '${task.spec.model.kind}') needs a ${bytes}-byte record for its ${message.nRows} rows × ${message.columns.length} columns, ` +
            `over the ${this.maxRecordBytes}-byte limit of ${this.tasksTopic.name} (Kafka's message.max.bytes is 1 MB by default): ` +
            'train on fewer rows (RATCHET_RETRAIN_MAX_BATCHES, RATCHET_BATCH_ROWS), train on threads (RATCHET_TRAINING_FANOUT=threads), ' +
            "or raise the broker's message.max.bytes and RATCHET_TASK_MAX_BYTES",
          false,
          task.spec,
          taskIndex,
        );
      }
      return message;
    });
    this.counters.runs++;
    return new Promise<TrainOutcome[]>((resolve, reject) => {
      const run: Run = {
        runId,
        jobId,
        tasks,
        messages,
        bytes: sizes,
        sentAt: tasks.map(() => at),
        outcomes: new Array<TrainOutcome | undefined>(tasks.length),
        done: 0,
        settled: false,
        resolve,
        reject,
        onProgress,
        cleanup: () => undefined,
      };
      this.runs.set(runId, run);
      if (signal !== undefined) {
        const onAbort = () => this.fail(run, trainingCancelled(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        run.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.logger.info('publishing training tasks', { jobId, runId, tasks: tasks.length, topic: this.tasksTopic.name });
      this.publish(run, messages.map((_, i) => i)).catch((err: unknown) =>
        this.fail(run, new TrainingError(`cannot publish the training tasks of job ${jobId}: ${err instanceof Error ? err.message : String(err)}`, isRetriable(err), undefined, undefined, { cause: err })),
      );
    });
  }

  /** Stops reading results; runs still waiting are rejected (retriable: a restarted job trains again). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.subscription?.stop();
      for (const run of [...this.runs.values()]) this.fail(run, new TrainingError(`training of job ${run.jobId} stopped: the executor is closing`, true));
      this.tables.clear();
    })();
    return this.closing;
  }

  private assertOpen(what: string): void {
    if (this.closing !== undefined) throw new TrainingError(`BusTrainingExecutor.${what}: the executor is closed`, false);
  }

  private async publish(run: Run, indices: readonly number[]): Promise<void> {
    let chunk: TrainingTask[] = [];
    let bytes = 0;
    const send = async () => {
      if (chunk.length === 0 || run.settled) return;
      const sending = chunk;
      chunk = [];
      bytes = 0;
      await this.bus.publishBatch(this.tasksTopic, sending);
      this.counters.published += sending.length;
    };
    for (const i of indices) {
      const message = run.messages[i] as TrainingTask;
      const size = run.bytes[i] as number;
      if (bytes + size > PUBLISH_CHUNK_BYTES) await send();
      run.sentAt[i] = this.now();
      chunk.push(message);
      bytes += size;
    }
    await send();
  }

  private onResult(result: TrainingResult): void {
    this.lastResultAt = this.now();
    const run = this.runs.get(result.runId);
    const i = result.taskIndex;
    if (run === undefined || i >= run.tasks.length) {
      this.counters.ignored++;
      this.logger.debug('training result of another run ignored', { runId: result.runId, jobId: result.jobId, taskIndex: i, workerId: result.workerId });
      return;
    }
    if (run.outcomes[i] !== undefined) {
      this.counters.duplicates++;
      this.logger.debug('duplicate training result ignored', { runId: run.runId, jobId: run.jobId, taskIndex: i, attempt: result.attempt, workerId: result.workerId });
      return;
    }
    const task = run.tasks[i] as TrainTask;
    const model = task.spec.model.kind;
    if (!result.ok) {
      this.fail(run, new TrainingError(`training task ${i} of job ${run.jobId} (model '${model}') failed on worker ${result.workerId}: ${result.error}`, false, task.spec, i));
      return;
    }
    let outcome: TrainOutcome;
    try {
      outcome = decodeTrainingResult(result);
    } catch (err) {
      this.fail(run, new TrainingError(`job ${run.jobId}: ${err instanceof Error ? err.message : String(err)}`, false, task.spec, i, { cause: err }));
      return;
    }
    run.outcomes[i] = outcome;
    run.done++;
    this.counters.results++;
    run.onProgress?.(run.done, run.tasks.length);
    if (run.done === run.tasks.length) {
      run.settled = true;
      this.forget(run);
      this.logger.info('training tasks done', { jobId: run.jobId, runId: run.runId, tasks: run.tasks.length });
      run.resolve(run.outcomes as TrainOutcome[]);
    }
  }

  /** Publishes again the tasks of a quiet executor that waited `taskTimeoutMs`; fails a run whose task used its attempts. */
  private checkTimeouts(): void {
    const now = this.now();
    for (const run of [...this.runs.values()]) {
      const due: number[] = [];
      for (let i = 0; i < run.tasks.length; i++) {
        if (run.outcomes[i] !== undefined || now - Math.max(this.lastResultAt, run.sentAt[i] as number) < this.timeoutMs) continue;
        const message = run.messages[i] as TrainingTask;
        if (message.attempt >= this.maxAttempts) {
          this.fail(
            run,
            new TrainingError(
              `training task ${i} of job ${run.jobId} (model '${run.tasks[i]?.spec.model.kind}') got no result after ${message.attempt} attempt(s) ${this.timeoutMs} ms apart: ` +
                `is a retrainer worker consuming ${this.tasksTopic.name}? A task that keeps failing on the workers is in ${deadLetterTopicName(this.tasksTopic)}`,
              true,
              run.tasks[i]?.spec,
              i,
            ),
          );
          break;
        }
        run.messages[i] = { ...message, attempt: message.attempt + 1, publishedAtMs: now };
        due.push(i);
      }
      if (run.settled || due.length === 0) continue;
      this.counters.republished += due.length;
      this.logger.warn('training tasks re-published: no result in time', { jobId: run.jobId, runId: run.runId, tasks: due.length, timeoutMs: this.timeoutMs });
      this.publish(run, due).catch((err: unknown) => this.logger.warn('re-publishing training tasks failed; will retry', { jobId: run.jobId, error: err }));
    }
  }

  private forget(run: Run): void {
    this.runs.delete(run.runId);
    run.cleanup();
  }

  private fail(run: Run, err: Error): void {
    if (run.settled) return;
    run.settled = true;
    this.forget(run);
    this.logger.warn('training run failed', { jobId: run.jobId, runId: run.runId, error: err.message });
    run.reject(err);
  }
}
