import { absLinearIntegral } from '../metrics/wasserstein.js';
import { sortFloat64 } from './sort-float64.js';

/**
 * Summary of one numeric column: moments, range, missing count and a fixed-edge histogram.
 *
 * Histogram layout: ascending distinct `edges` e_0 < … < e_{B'} and `counts` of length B' + 2:
 * counts[0] = #(x ≤ e_0), counts[i] = #(e_{i−1} < x ≤ e_i), counts[B'+1] = #(x > e_{B'}).
 * In a reference profile the edges are the training quantiles at i/B (i = 0..B, duplicates
 * removed), so e_0 = min, e_{B'} = max and each bin holds ≈ 1/B of the data. A window summary
 * reuses the reference edges, so both are mergeable by adding counts.
 *
 * Error bound of the reconstructed CDF ({@link histogramCdf}): exact at every edge, and between
 * edges |F̂(x) − F(x)| ≤ max_i counts[i]/N (≤ 1/B + the largest point mass; 0.01 for B = 100
 * on continuous data). The same bound holds for quantiles in rank terms.
 */
export interface NumericSummary {
  /** Non-missing values. */
  readonly count: number;
  /** NaN, ±Infinity, null or undefined values. */
  readonly missing: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1 denominator); 0 for fewer than two values. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** Default number of reference-quantile bins (CDF error ≤ 1/100 between edges). */
export const DEFAULT_PROFILE_BINS = 100;

/**
 * Splits a column into ascending finite values and a missing count (anything not finite).
 * One copy and one radix sort (sortFloat64): O(n).
 */
export function sortFinite(values: ArrayLike<number | null | undefined>): { sorted: Float64Array; missing: number } {
  const out = new Float64Array(values.length);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) out[k++] = v;
  }
  const sorted = sortFloat64(out.subarray(0, k));
  return { sorted, missing: values.length - k };
}

/** Reference-quantile edges e_i = x_(round(i·(N−1)/B)), i = 0..B, duplicates removed. */
export function quantileEdges(sorted: Float64Array, bins: number = DEFAULT_PROFILE_BINS): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const n = sorted.length;
  if (n === 0) return [];
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) {
    const v = sorted[Math.round((i * (n - 1)) / bins)] as number;
    if (edges.length === 0 || v > (edges[edges.length - 1] as number)) edges.push(v);
  }
  return edges;
}

/** Histogram counts (layout of {@link NumericSummary}) of ascending values by one merge pass, O(n + B). */
export function binSorted(sorted: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    while (bin < edges.length && v > (edges[bin] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

/** Summary of ascending finite values; edges from the data (reference) or given (window). */
export function summarizeSorted(sorted: Float64Array, missing: number, edges?: readonly number[], bins?: number): NumericSummary {
  const n = sorted.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sorted[i] as number;
  mean = n > 0 ? mean / n : Number.NaN;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = (sorted[i] as number) - mean;
    m2 += d * d;
  }
  const useEdges = edges ?? quantileEdges(sorted, bins);
  return {
    count: n,
    missing,
    mean,
    std: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0,
    min: n > 0 ? (sorted[0] as number) : Number.NaN,
    max: n > 0 ? (sorted[n - 1] as number) : Number.NaN,
    edges: useEdges,
    counts: binSorted(sorted, useEdges),
  };
}

/** Builds a reference summary of a raw column (missing = non-finite). */
export function summarizeNumeric(values: ArrayLike<number | null | undefined>, bins: number = DEFAULT_PROFILE_BINS): NumericSummary {
  const { sorted, missing } = sortFinite(values);
  return summarizeSorted(sorted, missing, undefined, bins);
}

/**
 * Merges two summaries that share edges (e.g. two window shards): counts add, moments combine
 * with Chan, Golub & LeVeque's parallel formula M2 = M2_a + M2_b + δ²·n_a·n_b/n.
 */
export function mergeNumericSummaries(a: NumericSummary, b: NumericSummary): NumericSummary {
  if (a.edges.length !== b.edges.length || a.edges.some((e, i) => e !== b.edges[i])) {
    throw new RangeError('numeric summaries can only be merged when their histogram edges are identical');
  }
  const n = a.count + b.count;
  if (a.count === 0) return { ...b, missing: a.missing + b.missing };
  if (b.count === 0) return { ...a, missing: a.missing + b.missing };
  const delta = b.mean - a.mean;
  const mean = a.mean + (delta * b.count) / n;
  const m2 = a.std * a.std * (a.count - 1) + b.std * b.std * (b.count - 1) + (delta * delta * a.count * b.count) / n;
  return {
    count: n,
    missing: a.missing + b.missing,
    mean,
    std: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    edges: a.edges,
    counts: a.counts.map((c, i) => c + (b.counts[i] as number)),
  };
}

/** Exact CDF at the edges: F(e_i) = Σ_{j ≤ i} counts[j] / N. */
export function cdfAtEdges(summary: NumericSummary): Float64Array {
  const out = new Float64Array(summary.edges.length);
  let cum = 0;
  for (let i = 0; i < summary.edges.length; i++) {
    cum += summary.counts[i] as number;
    out[i] = cum / summary.count;
  }
  return out;
}

/**
 * Approximate CDF of the summarised column: exact at edges, linear inside each bin, 0 below e_0
 * (the reference minimum). Error bound in {@link NumericSummary}.
 */
export function histogramCdf(summary: NumericSummary, x: number): number {
  const { edges, counts, count } = summary;
  if (count === 0 || edges.length === 0) return Number.NaN;
  if (x < (edges[0] as number)) return 0;
  let lo = 0;
  let hi = edges.length - 1;
  if (x >= (edges[hi] as number)) return 1 - (counts[edges.length] as number) / count;
  // Find i with e_{i−1} < x ≤ e_i (binary search).
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x <= (edges[mid] as number)) hi = mid;
    else lo = mid;
  }
  let cumBefore = 0;
  for (let j = 0; j <= lo; j++) cumBefore += counts[j] as number;
  const e0 = edges[lo] as number;
  const e1 = edges[hi] as number;
  return (cumBefore + ((counts[hi] as number) * (x - e0)) / (e1 - e0)) / count;
}

/** Inverse of {@link histogramCdf}: the smallest x with F̂(x) ≥ p (linear inside bins). */
export function histogramQuantile(summary: NumericSummary, p: number): number {
  const { edges, counts, count } = summary;
  if (count === 0 || edges.length === 0) return Number.NaN;
  const target = Math.min(1, Math.max(0, p)) * count;
  let cum = counts[0] as number;
  if (target <= cum) return edges[0] as number;
  for (let i = 1; i < edges.length; i++) {
    const c = counts[i] as number;
    if (target <= cum + c) {
      const e0 = edges[i - 1] as number;
      const e1 = edges[i] as number;
      return c > 0 ? e0 + ((target - cum) / c) * (e1 - e0) : e1;
    }
    cum += c;
  }
  return edges[edges.length - 1] as number;
}

/** k representative points F̂⁻¹((j + ½)/k), ascending: a stand-in sample for plots or tests. */
export function approximateSample(summary: NumericSummary, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) out[j] = histogramQuantile(summary, (j + 0.5) / k);
  return out;
}

/**
 * W1 between a sorted current sample (empirical CDF, a step function) and a reference summary
 * (piecewise-linear F̂): ∫ |F_w(x) − F̂(x)| dx evaluated exactly over the merged breakpoints
 * (window values and edges), O(n + B). Inherits the histogram's CDF error inside bins.
 */
export function wasserstein1AgainstSummary(sorted: ArrayLike<number>, summary: NumericSummary): number {
  const n = sorted.length;
  const { edges, counts } = summary;
  if (n === 0 || summary.count === 0) throw new RangeError('wasserstein1AgainstSummary needs non-empty data');
  const cdfEdges = cdfAtEdges(summary);
  const nEdges = edges.length;
  const last = cdfEdges[nEdges - 1] as number;
  // F̂ on the open interval (e_{k−1}, e_k) where k is the index of the first edge above t.
  const lin = (t: number, k: number): number => {
    if (k === 0) return 0;
    if (k >= nEdges) return last;
    const e0 = edges[k - 1] as number;
    return (cdfEdges[k - 1] as number) + ((counts[k] as number) * (t - e0)) / ((edges[k] as number) - e0) / summary.count;
  };
  let x = Math.min(sorted[0] as number, edges[0] as number);
  let i = 0;
  let k = 0;
  while (i < n && (sorted[i] as number) <= x) i++;
  while (k < nEdges && (edges[k] as number) <= x) k++;
  let total = 0;
  while (i < n || k < nEdges) {
    const vw = i < n ? (sorted[i] as number) : Number.POSITIVE_INFINITY;
    const ve = k < nEdges ? (edges[k] as number) : Number.POSITIVE_INFINITY;
    const next = vw < ve ? vw : ve;
    const fw = i / n;
    total += absLinearIntegral(lin(x, k) - fw, lin(next, k) - fw, next - x);
    x = next;
    while (i < n && (sorted[i] as number) <= x) i++;
    while (k < nEdges && (edges[k] as number) <= x) k++;
  }
  return total;
}
