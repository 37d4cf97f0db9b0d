import type { TrainSpec } from '@ratchet/ml';

/**
 * A training task that did not produce a model. `spec` and `taskIndex` say which one;
 * `retriable` is true only when the failure was not the spec's fault (a worker thread died,
 * the run was cancelled) — a spec that throws once (bad params, no labelled rows) throws again.
 */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';

  constructor(
    message: string,
    readonly retriable: boolean,
    readonly spec?: TrainSpec,
    readonly taskIndex?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The retriable {@link TrainingError} a run rejects with when `signal` aborts it, with the abort reason. */
export function trainingCancelled(signal: AbortSignal): TrainingError {
  const reason: unknown = signal.reason;
  return new TrainingError(`training cancelled${reason instanceof Error ? `: ${reason.message}` : ''}`, true, undefined, undefined, { cause: reason });
}
