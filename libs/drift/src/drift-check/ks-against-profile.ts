import { sortedCopy } from '../hypothesis-tests/ks-test.js';
import { binSorted, cdfAtEdges, type NumericSummary } from '../profile/numeric-summary.js';
import { kolmogorovSmirnovSurvival } from '../special/kolmogorov-distribution.js';

export interface KsAgainstProfileResult {
  /** max_i |F_w(e_i) − F_ref(e_i)| over the reference histogram edges. */
  readonly statistic: number;
  readonly pValue: number;
  /** round(n·N/(n+N)); equals n when the reference is treated as a known CDF. */
  readonly effectiveN: number;
}

/**
 * KS test of a current sample against a profile when the training data is gone.
 * The statistic is evaluated on the reference edges, where the profile's CDF is exact, so it
 * never exceeds the raw two-sample D (and is within one bin mass of it); the p-value is
 * kstwo.sf(D, round(nN/(n+N))) — scipy's asymptotic two-sample rule with the profile's N — or,
 * with `referenceAsCdf`, the one-sample kstwo.sf(D, n) that treats the profile as the true CDF.
 * Both are conservative because of the binning. O(n + B) for sorted input.
 */
export function ksAgainstProfile(
  reference: NumericSummary,
  sample: ArrayLike<number>,
  options: { readonly sorted?: boolean; readonly referenceAsCdf?: boolean } = {},
): KsAgainstProfileResult {
  const sorted = options.sorted === true ? sample : sortedCopy(sample);
  const n = sorted.length;
  const N = reference.count;
  if (n === 0 || N === 0) throw new RangeError('ksAgainstProfile needs data on both sides');
  const currentCounts = binSorted(sorted, reference.edges);
  const refCdf = cdfAtEdges(reference);
  let cum = 0;
  let d = 0;
  for (let i = 0; i < reference.edges.length; i++) {
    cum += currentCounts[i] as number;
    const diff = Math.abs(cum / n - (refCdf[i] as number));
    if (diff > d) d = diff;
  }
  const effectiveN = options.referenceAsCdf === true ? n : Math.max(1, Math.round((n * N) / (n + N)));
  return { statistic: d, pValue: kolmogorovSmirnovSurvival(d, effectiveN), effectiveN };
}
