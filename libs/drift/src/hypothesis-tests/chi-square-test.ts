import { chiSquareSurvival } from '@ratchet/stats';

export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly degreesOfFreedom: number;
  /** Sample-size-free Cramér's V, see {@link balancedCramersV}. */
  readonly cramersV: number;
}

/**
 * Pearson χ² test of homogeneity on the 2×K table [reference counts; current counts]
 * (scipy.stats.chi2_contingency(table, correction=False)):
 * χ² = Σ_ij (O_ij − E_ij)² / E_ij with E_ij = row_i·col_j / total, df = K' − 1 where K' counts
 * buckets with a non-zero column total (empty buckets carry no information and are dropped).
 * Every expected count of a kept bucket is positive, so an unseen category needs no
 * pseudo-count in the test itself. p = Q(df/2, χ²/2).
 * Returns p = 1, df = 0 when fewer than two buckets are non-empty.
 */
export function chiSquareHomogeneity(reference: ArrayLike<number>, current: ArrayLike<number>): ChiSquareResult {
  if (reference.length !== current.length) {
    throw new RangeError(`chi-square: bucket counts differ (${reference.length} vs ${current.length})`);
  }
  let nRef = 0;
  let nCur = 0;
  for (let j = 0; j < reference.length; j++) {
    nRef += reference[j] as number;
    nCur += current[j] as number;
  }
  if (nRef <= 0 || nCur <= 0) throw new RangeError('chi-square: both samples need at least one observation');
  const total = nRef + nCur;
  let stat = 0;
  let kept = 0;
  for (let j = 0; j < reference.length; j++) {
    const r = reference[j] as number;
    const c = current[j] as number;
    const col = r + c;
    if (col <= 0) continue;
    kept++;
    const eRef = (nRef * col) / total;
    const eCur = (nCur * col) / total;
    stat += ((r - eRef) * (r - eRef)) / eRef + ((c - eCur) * (c - eCur)) / eCur;
  }
  const df = kept - 1;
  const cramersV = balancedCramersV(reference, current);
  if (df < 1) return { statistic: 0, pValue: 1, degreesOfFreedom: 0, cramersV };
  return { statistic: stat, pValue: chiSquareSurvival(stat, df), degreesOfFreedom: df, cramersV };
}

/**
 * Cramér's V of the 2×K proportions table with both groups weighted equally:
 * V = ½·sqrt(Σ_j (p_j − q_j)² / ((p_j + q_j)/2)), in [0, 1] (1 = disjoint supports).
 * It equals the classic V = sqrt(χ²/(N·(min(2,K)−1))) when both samples have the same size, and
 * unlike it does not shrink towards 0 when the reference is far larger than the window, so a
 * fixed threshold (Cohen: 0.1 small, 0.3 medium, 0.5 large) means the same at any n.
 */
export function balancedCramersV(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  let nRef = 0;
  let nCur = 0;
  for (let j = 0; j < reference.length; j++) {
    nRef += reference[j] as number;
    nCur += current[j] as number;
  }
  let s = 0;
  for (let j = 0; j < reference.length; j++) {
    const p = (reference[j] as number) / nRef;
    const q = (current[j] as number) / nCur;
    const mid = (p + q) / 2;
    if (mid > 0) s += ((p - q) * (p - q)) / mid;
  }
  return Math.min(1, 0.5 * Math.sqrt(s));
}
