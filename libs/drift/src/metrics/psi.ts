/** Floor applied to bin proportions before taking logs in PSI. */
export const DEFAULT_PSI_EPSILON = 1e-4;

/**
 * Population stability index over shared bins:
 * PSI = Σ_i (q_i − p_i)·ln(q_i / p_i), p = reference proportions, q = current proportions,
 * each floored at ε (default 1e-4) so an empty bin contributes a large but finite term
 * (floored proportions are not renormalised). Symmetric KL divergence (Jeffreys) in nats.
 * Rule of thumb (Siddiqi 2006): < 0.1 stable, 0.1–0.25 moderate, > 0.25 major shift.
 * Callers choose the bins; checkDrift uses ~10 reference-quantile bins (see coarsenBins).
 */
export function populationStabilityIndex(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  epsilon: number = DEFAULT_PSI_EPSILON,
): number {
  const [p, q] = proportions(reference, current);
  let psi = 0;
  for (let i = 0; i < p.length; i++) {
    const a = Math.max(p[i] as number, epsilon);
    const b = Math.max(q[i] as number, epsilon);
    psi += (b - a) * Math.log(b / a);
  }
  return psi;
}

/** Normalises two count (or weight) vectors of equal length to proportions. */
export function proportions(reference: ArrayLike<number>, current: ArrayLike<number>): [Float64Array, Float64Array] {
  if (reference.length !== current.length) {
    throw new RangeError(`bin counts differ in length (${reference.length} vs ${current.length})`);
  }
  const p = normalise(reference);
  const q = normalise(current);
  return [p, q];
}

function normalise(counts: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  if (!(total > 0)) throw new RangeError('bin counts must have a positive total');
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = (counts[i] as number) / total;
  return out;
}
