import type { Table, TrainResult, TrainSpec } from '@ratchet/ml';

/** A training job: a spec, and optionally rows of the shared table to predict with the fitted model. */
export interface TrainTask {
  readonly spec: TrainSpec;
  /** Rows whose P(y = 1) the worker returns with the model (e.g. the validation split). */
  readonly evaluateRows?: Int32Array;
}

/** What a finished {@link TrainTask} yields. */
export interface TrainOutcome {
  readonly result: TrainResult;
  /** P(y = 1) on `evaluateRows`, when asked. */
  readonly predictions?: Float64Array;
}

/** Main thread → worker. */
export type ToWorker =
  | { readonly type: 'table'; readonly tableId: number; readonly table: Table }
  | { readonly type: 'drop'; readonly tableId: number }
  | { readonly type: 'train'; readonly taskId: number; readonly tableId: number; readonly task: TrainTask };

/** Worker → main thread. */
export type FromWorker =
  | { readonly type: 'done'; readonly taskId: number; readonly outcome: TrainOutcome }
  | { readonly type: 'failed'; readonly taskId: number; readonly message: string; readonly stack?: string };
