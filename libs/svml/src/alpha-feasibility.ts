/**
 * How a candidate's per-batch number is read:
 * - `loss`: lower is better (MSE, log-loss…); must be ≥ 0.
 * - `score`: higher is better (AUC, accuracy, R² on a validation split…); the batch maximum must be ≥ 0.
 */
export type ScoreMode = 'loss' | 'score';

/**
 * α-feasible candidates of one batch (Bertsimas, Digalakis, Ma, Paschalidis,
 * "Slowly varying sequences", Problem (1) constraint / §2.4 restricted pool):
 * - loss mode: keep i with loss_i ≤ (1 + α) · min_j loss_j;
 * - score mode: keep i with score_i ≥ (1 − α) · max_j score_j
 *   (so α is the tolerated *relative* loss of predictive power in both modes;
 *   in score mode α ≥ 1 keeps every non-negative score).
 * The best candidate is always feasible; comparisons allow 1e-12 relative
 * rounding slack. Returns indices in ascending order.
 */
export function alphaFeasible(scores: ArrayLike<number>, alpha: number, mode: ScoreMode): Int32Array {
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new RangeError(`alphaFeasible: α must be finite and ≥ 0, got ${alpha}`);
  if (scores.length === 0) throw new RangeError('alphaFeasible: empty candidate pool');
  let best = mode === 'loss' ? Infinity : -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] ?? Number.NaN;
    if (!Number.isFinite(s)) throw new RangeError(`alphaFeasible: score ${i} is not finite (${s})`);
    best = mode === 'loss' ? Math.min(best, s) : Math.max(best, s);
  }
  if (mode === 'loss' && best < 0) throw new RangeError(`alphaFeasible: losses must be ≥ 0, min is ${best}`);
  if (mode === 'score' && best < 0) throw new RangeError(`alphaFeasible: the best score must be ≥ 0, got ${best}`);
  // A relative slack of 1e-12 keeps candidates that sit exactly on the boundary in
  // decimal (e.g. 0.72 vs (1 − 0.1)·0.8 = 0.7200000000000001) from being dropped by rounding.
  const limit = mode === 'loss' ? (1 + alpha) * best * (1 + 1e-12) : (1 - alpha) * best * (1 - 1e-12);
  const keep: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] ?? 0;
    if (s === best || (mode === 'loss' ? s <= limit : s >= limit)) keep.push(i);
  }
  return Int32Array.from(keep);
}

/** {@link alphaFeasible} for every batch: the layers of the selection graph. */
export function alphaFeasibleLayers(
  batchScores: readonly ArrayLike<number>[],
  alpha: number,
  mode: ScoreMode,
): Int32Array[] {
  return batchScores.map((scores) => alphaFeasible(scores, alpha, mode));
}
