import type { Table } from '@ratchet/ml';
import type { TrainOutcome, TrainTask } from './messages.js';

/** A table shared with an executor; tasks refer to its rows. Pass it to {@link TrainingExecutor.run}. */
export interface TableHandle {
  readonly id: number;
  readonly nRows: number;
}

/** Options of {@link TrainingExecutor.run}. */
export interface TrainingRunOptions {
  /** Called after each finished task with (finished, total). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborting drops the run's unfinished tasks and rejects it with a retriable `TrainingError`. */
  readonly signal?: AbortSignal;
  /** The job the run belongs to (e.g. `income/job-b000007`), named in task messages and logs of a distributed executor. */
  readonly jobId?: string;
}

/**
 * Where training tasks run: worker threads of this process (`TrainingPool`, the embedded
 * default) or other processes (the retrainer's bus executor, tasks on
 * `ratchet.retrain.tasks.v1`). Every implementation runs each task as `runTrainTask` does,
 * so outcomes are identical for the same tasks, whichever executor ran them.
 */
export interface TrainingExecutor {
  /** Makes `table` available to tasks; they refer to its rows by index. */
  shareTable(table: Table): TableHandle;
  /** Trains every task on the shared table; resolves with the outcomes in task order, or rejects with a `TrainingError` naming the task. */
  run(handle: TableHandle, tasks: readonly TrainTask[], options?: TrainingRunOptions): Promise<TrainOutcome[]>;
  /** Forgets a shared table. */
  releaseTable(handle: TableHandle): void;
}
