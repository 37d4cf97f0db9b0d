import { binomialCdf, chiSquareSurvival } from '@ratchet/stats';

/** C(n, i)·(n − i) stays below 2^53 for n ≤ 50 (C(50, 25)·25 ≈ 3.2e15), so the sum is exact. */
const EXACT_SUM_LIMIT = 50;

/**
 * P(X ≤ k) for X ~ Bin(n, ½): an exact sum of integer binomial coefficients over 2^n when n is
 * small enough for them to be exact in doubles, else the incomplete-beta identity.
 */
function halfBinomialCdf(k: number, n: number): number {
  if (n > EXACT_SUM_LIMIT) return binomialCdf(k, n, 0.5);
  let coef = 1;
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += coef;
    coef = (coef * (n - i)) / (i + 1);
  }
  return sum / 2 ** n;
}

/** Result of McNemar's test on the discordant pairs of a paired 2×2 table. */
export interface McNemarResult {
  /** b: pairs where A is right and B is wrong (regressions). */
  readonly b: number;
  /** c: pairs where A is wrong and B is right (gains). */
  readonly c: number;
  /** `exact-binomial` when b + c < exactThreshold, else `chi-square-corrected`. */
  readonly method: 'exact-binomial' | 'chi-square-corrected';
  /** χ² statistic (corrected); for the exact method, min(b, c). */
  readonly statistic: number;
  /** Two-sided p-value for H0: P(A right, B wrong) = P(A wrong, B right). */
  readonly pValue: number;
}

/** Options for {@link mcnemarTest}. */
export interface McNemarOptions {
  /** Use the exact test when b + c is below this (default 25, the usual rule of thumb). */
  readonly exactThreshold?: number;
}

/**
 * McNemar's test (McNemar, 1947) for paired correctness of two classifiers.
 * Under H0, b ~ Bin(b + c, ½) given the number of discordant pairs.
 * - Exact (b + c < exactThreshold, default 25): p = min(1, 2·P(X ≤ min(b, c))),
 *   X ~ Bin(b + c, ½) — matches `statsmodels.stats.contingency_tables.mcnemar(t, exact=True)`.
 * - Otherwise χ² with Edwards' continuity correction, 1 df:
 *   χ² = max(0, |b − c| − 1)² / (b + c), p = P(χ²₁ ≥ χ²) — matches statsmodels
 *   with `exact=False, correction=True` whenever b ≠ c (statsmodels does not clamp at 0).
 * With b + c = 0 there is no evidence either way: p = 1.
 */
export function mcnemarTest(b: number, c: number, { exactThreshold = 25 }: McNemarOptions = {}): McNemarResult {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`mcnemarTest: counts must be non-negative integers, got b=${b}, c=${c}`);
  }
  const n = b + c;
  if (n < exactThreshold) {
    const k = Math.min(b, c);
    const pValue = n === 0 ? 1 : Math.min(1, 2 * halfBinomialCdf(k, n));
    return { b, c, method: 'exact-binomial', statistic: k, pValue };
  }
  const excess = Math.max(0, Math.abs(b - c) - 1);
  const statistic = (excess * excess) / n;
  return { b, c, method: 'chi-square-corrected', statistic, pValue: chiSquareSurvival(statistic, 1) };
}
