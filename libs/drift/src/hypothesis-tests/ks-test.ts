import { sortFloat64 } from '../profile/sort-float64.js';
import { kolmogorovSmirnovSurvival } from '../special/kolmogorov-distribution.js';
import { gcd, ksTwoSampleExactSurvival } from './ks-two-sample-exact.js';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  /** sup_x |F_a(x) − F_b(x)| (for `exact`, rounded to the lattice value h / lcm(n_a, n_b) as scipy does). */
  readonly statistic: number;
  readonly pValue: number;
  /** Method actually used after the auto rule and any fallback. */
  readonly method: 'exact' | 'asymp';
}

export interface KsTwoSampleOptions {
  /** Same rule as scipy.stats.ks_2samp: `auto` is exact when max(n_a, n_b) ≤ 10000. */
  readonly method?: KsMethod;
  /** Set to true when both inputs are already sorted ascending (skips copying and sorting). */
  readonly sorted?: boolean;
}

/** scipy's MAX_AUTO_N: `auto` attempts the exact distribution up to this sample size. */
export const KS_EXACT_AUTO_MAX_N = 10_000;

/**
 * Two-sided two-sample Kolmogorov–Smirnov test, equal to scipy.stats.ks_2samp
 * (alternative='two-sided') including its method rule:
 * - statistic D = max_x |F_a(x) − F_b(x)| over the pooled values (ties handled by evaluating
 *   both ECDFs after all copies of a value);
 * - `exact`: P(D ≥ h/L) over lattice paths (see ksTwoSampleExactSurvival), L = lcm(n_a, n_b);
 *   forced `exact` switches to `asymp` when n_a/g ≥ (2^31−1)/(n_b/g) as scipy does;
 * - `asymp`: kstwo.sf(D, round(n_a n_b / (n_a + n_b))), the exact one-sample Kolmogorov
 *   distribution at the effective sample size (what scipy ≥ 1.5 uses, not the limiting
 *   Kolmogorov law).
 * O((n_a + n_b) log(n_a + n_b)) for the statistic; the exact p-value costs O(n_a·n_b·D).
 * Empty samples and NaN values are rejected.
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>, options: KsTwoSampleOptions = {}): KsResult {
  const { method = 'auto', sorted = false } = options;
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) throw new RangeError('ksTwoSample needs two non-empty samples');
  const sa = sorted ? a : sortedCopy(a);
  const sb = sorted ? b : sortedCopy(b);
  const d = ksStatisticSorted(sa, sb);
  let mode: 'exact' | 'asymp' = method === 'asymp' ? 'asymp' : 'exact';
  const g = gcd(na, nb);
  if (method === 'auto') {
    mode = Math.max(na, nb) <= KS_EXACT_AUTO_MAX_N ? 'exact' : 'asymp';
  } else if (method === 'exact' && na / g >= INT32_MAX / (nb / g)) {
    mode = 'asymp';
  }
  if (mode === 'exact') {
    const lcm = (na / g) * nb;
    const h = Math.round(d * lcm);
    const latticeD = h / lcm;
    const p = ksTwoSampleExactSurvival(na, nb, h);
    if (p >= 0 && p <= 1) return { statistic: latticeD, pValue: p, method: 'exact' };
  }
  const en = Math.round((na * nb) / (na + nb));
  return { statistic: d, pValue: kolmogorovSmirnovSurvival(d, en), method: 'asymp' };
}

const INT32_MAX = 2147483647;

/**
 * D = max |F_a − F_b| for two ascending-sorted samples by one merge pass, O(n_a + n_b).
 * NaN is rejected because it has no place in an ordering.
 */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < na && j < nb) {
    const va = a[i] as number;
    const vb = b[j] as number;
    if (Number.isNaN(va) || Number.isNaN(vb)) throw new RangeError('KS statistic: samples contain NaN');
    const v = va <= vb ? va : vb;
    while (i < na && (a[i] as number) <= v) i++;
    while (j < nb && (b[j] as number) <= v) j++;
    const diff = Math.abs(i / na - j / nb);
    if (diff > d) d = diff;
  }
  return d;
}

export interface KsOneSampleResult {
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * One-sample two-sided KS test of a sample against a continuous CDF, as scipy.stats.kstest
 * (method 'auto' = exact): D = max_i max(i/n − F(x_(i)), F(x_(i)) − (i−1)/n),
 * p = kstwo.sf(D, n) (Simard–L'Ecuyer).
 */
export function ksOneSample(
  sample: ArrayLike<number>,
  cdf: (x: number) => number,
  options: { readonly sorted?: boolean } = {},
): KsOneSampleResult {
  const n = sample.length;
  if (n === 0) throw new RangeError('ksOneSample needs a non-empty sample');
  const s = options.sorted === true ? sample : sortedCopy(sample);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i] as number);
    const plus = (i + 1) / n - f;
    const minus = f - i / n;
    if (plus > d) d = plus;
    if (minus > d) d = minus;
  }
  return { statistic: d, pValue: kolmogorovSmirnovSurvival(d, n) };
}

/** Ascending Float64Array copy (radix sort); throws on NaN, which has no place in an ordering. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i] as number)) throw new RangeError(`sample contains NaN at index ${i}`);
  }
  return sortFloat64(out);
}
