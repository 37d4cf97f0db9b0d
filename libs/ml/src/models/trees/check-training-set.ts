import type { TrainingSet } from '../types.js';

/**
 * Shape checks shared by the tree and MLP trainers. Every trainer takes the same inputs: a
 * dense row-major design matrix `X` (nRows × nFeatures), 0/1 labels `y` and optional
 * non-negative sample weights. Checking them once at the entry point gives a clear error
 * instead of a silent out-of-bounds read deep inside a hot loop.
 */

/**
 * Validates a {@link TrainingSet} and returns its weights (a fresh all-ones array when
 * none were given). Throws a `RangeError` naming the offending input; retrying cannot help.
 * @param allowNaN whether `X` may hold NaN (missing values); infinities are always rejected.
 */
export function checkTrainingSet(model: string, data: TrainingSet, allowNaN = false): Float64Array {
  const { X, nRows, nFeatures, y, sampleWeight } = data;
  if (!Number.isInteger(nRows) || nRows < 1) throw new RangeError(`${model}: nRows must be a positive integer, got ${nRows}`);
  if (!Number.isInteger(nFeatures) || nFeatures < 1) {
    throw new RangeError(`${model}: nFeatures must be a positive integer, got ${nFeatures}`);
  }
  if (X.length !== nRows * nFeatures) {
    throw new RangeError(`${model}: X has ${X.length} values, expected nRows × nFeatures = ${nRows * nFeatures}`);
  }
  if (y.length !== nRows) throw new RangeError(`${model}: y has ${y.length} labels, expected ${nRows}`);
  for (let i = 0; i < nRows; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) throw new RangeError(`${model}: y[${i}] = ${v}, labels must be 0 or 1`);
  }
  for (let k = 0; k < X.length; k++) {
    const v = X[k] as number;
    if (v === Infinity || v === -Infinity || (!allowNaN && v !== v)) {
      throw new RangeError(
        `${model}: X[${Math.floor(k / nFeatures)}, ${k % nFeatures}] = ${v}; ` +
          (allowNaN ? 'infinite values are not supported' : 'impute missing values before training'),
      );
    }
  }
  if (sampleWeight === undefined) return new Float64Array(nRows).fill(1);
  if (sampleWeight.length !== nRows) {
    throw new RangeError(`${model}: sampleWeight has ${sampleWeight.length} values, expected ${nRows}`);
  }
  let total = 0;
  for (let i = 0; i < nRows; i++) {
    const w = sampleWeight[i] as number;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`${model}: sampleWeight[${i}] = ${w}, weights must be finite and ≥ 0`);
    total += w;
  }
  if (total <= 0) throw new RangeError(`${model}: sample weights sum to 0`);
  return sampleWeight;
}
