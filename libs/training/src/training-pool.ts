import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Table } from '@ratchet/ml';
import type { FromWorker, ToWorker, TrainOutcome, TrainTask } from './messages.js';
import { toSharedTable } from './shared-table.js';
import { TrainingError, trainingCancelled } from './training-error.js';
import type { TableHandle, TrainingExecutor, TrainingRunOptions } from './training-executor.js';

/** Options of {@link TrainingPool}. */
export interface TrainingPoolOptions {
  /** Worker threads. Default `os.availableParallelism()`. */
  readonly size?: number;
  /** Worker entry; default the built `training-worker.js` (see {@link defaultWorkerUrl}). */
  readonly workerUrl?: URL;
}

/**
 * The worker entry the pool starts: always built JavaScript, `training-worker.js` beside this
 * module. When this module itself runs from TypeScript sources (vitest, `src/*.ts`), the
 * entry is taken from the package's `dist/` instead — Node cannot start a `.ts` worker —
 * so tests of this package run after `nx build` (the package's test target depends on it).
 */
export function defaultWorkerUrl(moduleUrl: string = import.meta.url): URL {
  return moduleUrl.endsWith('.ts') ? new URL('../dist/training-worker.js', moduleUrl) : new URL('./training-worker.js', moduleUrl);
}

interface Run {
  readonly results: (TrainOutcome | undefined)[];
  readonly total: number;
  done: number;
  settled: boolean;
  readonly resolve: (outcomes: TrainOutcome[]) => void;
  readonly reject: (err: Error) => void;
  readonly onProgress: ((done: number, total: number) => void) | undefined;
}

interface Job {
  readonly taskId: number;
  readonly index: number;
  readonly tableId: number;
  readonly task: TrainTask;
  readonly run: Run;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

/**
 * A pool of `worker_threads` workers that run `trainFromSpec` (from `@ratchet/ml`) on tables
 * shared once per pool ({@link TrainingPool.shareTable}: the columns go to `SharedArrayBuffer`s,
 * so no worker copies them), one task per idle worker, results in task order.
 * A failing task rejects its run with a {@link TrainingError} naming the spec; the rest of
 * that run is dropped. {@link TrainingPool.close} lets running work finish, then stops
 * the threads. Workers hold the process open only while they have work. The embedded default
 * {@link TrainingExecutor}.
 */
export class TrainingPool implements TrainingExecutor {
  /** Number of worker threads. */
  readonly size: number;
  private readonly workerUrl: URL;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly tables = new Map<number, Table>();
  private nextTableId = 1;
  private nextTaskId = 1;
  private closing: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor({ size = availableParallelism(), workerUrl = defaultWorkerUrl() }: TrainingPoolOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`TrainingPool: size must be an integer ≥ 1, got ${size}`);
    if (workerUrl.protocol === 'file:' && !existsSync(fileURLToPath(workerUrl))) {
      throw new TrainingError(
        `TrainingPool: worker entry ${fileURLToPath(workerUrl)} does not exist; build it with \`npx nx run @ratchet/training:build\``,
        false,
      );
    }
    this.size = size;
    this.workerUrl = workerUrl;
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Shares `table` with every worker (once); tasks then refer to it by handle. */
  shareTable(table: Table): TableHandle {
    this.assertOpen('shareTable');
    const id = this.nextTableId++;
    const shared = toSharedTable(table);
    this.tables.set(id, shared);
    for (const slot of this.slots) this.post(slot.worker, { type: 'table', tableId: id, table: shared });
    return { id, nRows: table.nRows };
  }

  /** Forgets a shared table in every worker. */
  releaseTable(handle: TableHandle): void {
    if (!this.tables.delete(handle.id)) return;
    for (const slot of this.slots) this.post(slot.worker, { type: 'drop', tableId: handle.id });
  }

  /** Trains every task on the shared table; resolves with the outcomes in task order. Aborting also stops the workers busy with this run. */
  run(handle: TableHandle, tasks: readonly TrainTask[], { onProgress, signal }: TrainingRunOptions = {}): Promise<TrainOutcome[]> {
    this.assertOpen('run');
    if (!this.tables.has(handle.id)) throw new TrainingError(`TrainingPool.run: table ${handle.id} is not shared (released?)`, false);
    return new Promise<TrainOutcome[]>((resolve, reject) => {
      const run: Run = { results: new Array(tasks.length), total: tasks.length, done: 0, settled: false, resolve, reject, onProgress };
      if (tasks.length === 0) return resolve([]);
      if (signal?.aborted) return reject(trainingCancelled(signal));
      signal?.addEventListener('abort', () => this.cancel(run, trainingCancelled(signal)), { once: true });
      tasks.forEach((task, index) => this.queue.push({ taskId: this.nextTaskId++, index, tableId: handle.id, task, run }));
      this.dispatch();
    });
  }

  /** Refuses new work, waits for queued and running tasks, then stops the threads. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.idle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await Promise.all(this.slots.map((s) => s.worker.terminate()));
    })();
    return this.closing;
  }

  private assertOpen(what: string): void {
    if (this.closing !== undefined) throw new TrainingError(`TrainingPool.${what}: the pool is closed`, false);
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, { execArgv: workerExecArgv(process.execArgv) });
    worker.unref();
    const slot: Slot = { worker, job: undefined };
    for (const [id, table] of this.tables) this.post(worker, { type: 'table', tableId: id, table });
    worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      if (slot.job !== undefined) this.onCrash(slot, new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  private post(worker: Worker, msg: ToWorker): void {
    worker.postMessage(msg);
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.slots.every((s) => s.job === undefined);
  }

  private dispatch(): void {
    if (this.idle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    for (const slot of this.slots) {
      if (slot.job !== undefined) continue;
      const job = this.queue.shift();
      if (job === undefined) return;
      slot.job = job;
      slot.worker.ref();
      this.post(slot.worker, { type: 'train', taskId: job.taskId, tableId: job.tableId, task: job.task });
    }
  }

  private release(slot: Slot): Job | undefined {
    const job = slot.job;
    slot.job = undefined;
    slot.worker.unref();
    return job;
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    const job = slot.job;
    if (job === undefined || job.taskId !== msg.taskId) return;
    this.release(slot);
    const run = job.run;
    if (!run.settled) {
      if (msg.type === 'done') {
        run.results[job.index] = msg.outcome;
        run.done++;
        run.onProgress?.(run.done, run.total);
        if (run.done === run.total) {
          run.settled = true;
          run.resolve(run.results as TrainOutcome[]);
        }
      } else {
        const cause = Object.assign(new Error(msg.message), msg.stack !== undefined ? { stack: msg.stack } : {});
        this.fail(
          run,
          new TrainingError(`training task ${job.index} (model '${job.task.spec.model.kind}') failed: ${msg.message}`, false, job.task.spec, job.index, { cause }),
        );
      }
    }
    this.dispatch();
  }

  private onCrash(slot: Slot, err: Error): void {
    const job = this.release(slot);
    const index = this.slots.indexOf(slot);
    if (index >= 0 && this.closing === undefined) this.slots[index] = this.spawn();
    if (job !== undefined) {
      this.fail(
        job.run,
        new TrainingError(`worker died during task ${job.index} (model '${job.task.spec.model.kind}'): ${err.message}`, true, job.task.spec, job.index, { cause: err }),
      );
    }
    this.dispatch();
  }

  /** Rejects a run and drops its queued tasks (running ones finish and are ignored). */
  private fail(run: Run, err: Error): void {
    if (run.settled) return;
    run.settled = true;
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]?.run === run) this.queue.splice(i, 1);
    run.reject(err);
  }

  /** Cancels a run: queued tasks are dropped and workers busy with it are replaced. */
  private cancel(run: Run, err: Error): void {
    if (run.settled) return;
    this.fail(run, err);
    this.slots.forEach((slot, i) => {
      if (slot.job?.run !== run) return;
      slot.job = undefined;
      void slot.worker.terminate();
      this.slots[i] = this.spawn();
    });
    this.dispatch();
  }
}

/**
 * The parent's Node flags minus export conditions: a test runner resolving workspace packages
 * to TypeScript sources (`--conditions @ratchet/source`) must not make the built worker do so.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (arg === '--conditions' || arg === '-C') i++;
    else if (!arg.startsWith('--conditions=') && !arg.startsWith('-C=')) out.push(arg);
  }
  return out;
}
