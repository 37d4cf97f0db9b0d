import { inverseRegularizedIncompleteBeta } from '@ratchet/stats';

function checkCounts(k: number, n: number, confidence: number, fn: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${fn}: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`${fn}: k must be an integer in [0, n=${n}], got ${k}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${fn}: confidence must be in (0, 1), got ${confidence}`);
  }
}

/**
 * One-sided exact (Clopper–Pearson, 1934) upper confidence bound on a binomial
 * proportion: the smallest p with P(X ≤ k | n, p) ≤ 1 − confidence, which is
 * U = Beta⁻¹(confidence; k + 1, n − k) for k < n and U = 1 for k = n
 * (`scipy.stats.beta.ppf(confidence, k + 1, n - k)`). For k = 0 it reduces to
 * 1 − (1 − confidence)^{1/n} (≈ 3/n at 95%, the "rule of three").
 */
export function clopperPearsonUpper(k: number, n: number, confidence: number): number {
  checkCounts(k, n, confidence, 'clopperPearsonUpper');
  if (k === n) return 1;
  return inverseRegularizedIncompleteBeta(confidence, k + 1, n - k);
}

/**
 * One-sided exact lower bound: L = Beta⁻¹(1 − confidence; k, n − k + 1) for
 * k > 0 and L = 0 for k = 0 (`scipy.stats.beta.ppf(1 - confidence, k, n - k + 1)`).
 */
export function clopperPearsonLower(k: number, n: number, confidence: number): number {
  checkCounts(k, n, confidence, 'clopperPearsonLower');
  if (k === 0) return 0;
  return inverseRegularizedIncompleteBeta(1 - confidence, k, n - k + 1);
}
