import type { DriftSignal, StreamDetector } from './stream-detector.js';

const DEFAULT_MAX_DELAY = 1000;

export interface DetectionEvaluation {
  readonly detector: string;
  /** Stream indices at which 'drift' was returned. */
  readonly detections: readonly number[];
  /** Per change point: index of its detection minus the change point, or null if missed. */
  readonly delays: readonly (number | null)[];
  /** Detections before the first change point or more than maxDelay after the last change point. */
  readonly falseAlarms: number;
  /** Further detections within maxDelay of an already detected change point (ADWIN shrinks its
   *  window in several steps after a change; those are not false alarms). */
  readonly repeats: number;
  readonly missed: number;
  /** Mean over detected change points (NaN when none was detected). */
  readonly meanDelay: number;
  readonly warnings: number;
}

/**
 * Feeds a stream to a detector (after reset) and scores it against known change points
 * (indices of the first observation of each new concept, ascending). The first detection in
 * [c, c + maxDelay] (and before the next change point) counts for c with delay t − c; later
 * ones in that range are repeats; any other detection is a false alarm. maxDelay defaults to 1000.
 */
export function evaluateDetector(
  detector: StreamDetector,
  stream: ArrayLike<number>,
  changePoints: readonly number[],
  options: { readonly maxDelay?: number } = {},
): DetectionEvaluation {
  const maxDelay = options.maxDelay ?? DEFAULT_MAX_DELAY;
  detector.reset();
  const detections: number[] = [];
  const delays: (number | null)[] = changePoints.map(() => null);
  let falseAlarms = 0;
  let repeats = 0;
  let warnings = 0;
  let segment = -1;
  for (let t = 0; t < stream.length; t++) {
    while (segment + 1 < changePoints.length && t >= (changePoints[segment + 1] as number)) segment++;
    const signal: DriftSignal = detector.update(stream[t] as number);
    if (signal === 'warning') warnings++;
    if (signal !== 'drift') continue;
    detections.push(t);
    const delay = segment >= 0 ? t - (changePoints[segment] as number) : Number.NaN;
    if (!(delay <= maxDelay)) falseAlarms++;
    else if (delays[segment] === null) delays[segment] = delay;
    else repeats++;
  }
  const found = delays.filter((d): d is number => d !== null);
  return {
    detector: detector.name,
    detections,
    delays,
    falseAlarms,
    repeats,
    missed: delays.length - found.length,
    meanDelay: found.length > 0 ? found.reduce((a, b) => a + b, 0) / found.length : Number.NaN,
    warnings,
  };
}
