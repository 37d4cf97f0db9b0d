import { describe, expect, it } from 'vitest';
import { wasserstein1Sorted } from '../metrics/wasserstein.js';
import { SeededRandom } from '../testing/seeded-random.js';
import {
  approximateSample,
  binSorted,
  cdfAtEdges,
  histogramCdf,
  histogramQuantile,
  mergeNumericSummaries,
  summarizeNumeric,
  summarizeSorted,
  sortFinite,
  wasserstein1AgainstSummary,
} from './numeric-summary.js';

function empiricalCdf(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

describe('summarizeNumeric', () => {
  const values = new SeededRandom(1).normals(20_000, 3, 2);
  const summary = summarizeNumeric(values);
  const sorted = Float64Array.from(values).sort();

  it('records count, moments and range of the finite values and counts the rest as missing', () => {
    const s = summarizeNumeric([1, 2, Number.NaN, 3, Number.POSITIVE_INFINITY, null, 4]);
    expect(s.count).toBe(4);
    expect(s.missing).toBe(3);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect([s.min, s.max]).toEqual([1, 4]);
  });

  it('reconstructs the CDF exactly at edges and within the stated 1/B bound elsewhere', () => {
    const atEdges = cdfAtEdges(summary);
    summary.edges.forEach((e, i) => expect(atEdges[i]).toBeCloseTo(empiricalCdf(sorted, e), 12));
    const bound = Math.max(...summary.counts) / summary.count;
    expect(bound).toBeLessThanOrEqual(0.0101);
    for (let x = -4; x <= 10; x += 0.0137) {
      expect(Math.abs(histogramCdf(summary, x) - empiricalCdf(sorted, x))).toBeLessThanOrEqual(bound);
    }
  });

  it('inverts its CDF with histogramQuantile', () => {
    for (const p of [0.05, 0.3, 0.5, 0.77, 0.99]) {
      expect(histogramCdf(summary, histogramQuantile(summary, p))).toBeCloseTo(p, 10);
    }
  });

  it('keeps point masses on edges so a binary column is represented exactly', () => {
    const binary = Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : 1));
    const s = summarizeNumeric(binary);
    expect(s.edges).toEqual([0, 1]);
    expect(s.counts).toEqual([700, 300, 0]);
  });

  it('approximates the sample it came from (Wasserstein distance below 1% of a std)', () => {
    const approx = approximateSample(summary, 2000);
    expect(wasserstein1Sorted(approx, sorted)).toBeLessThan(0.02);
  });
});

describe('mergeNumericSummaries', () => {
  it('gives the same summary as binning the concatenated data', () => {
    const rng = new SeededRandom(2);
    const edges = summarizeNumeric(rng.normals(5000)).edges;
    const a = sortFinite(rng.normals(700, 0.2));
    const b = sortFinite(rng.normals(900, -0.1, 1.5));
    const merged = mergeNumericSummaries(summarizeSorted(a.sorted, 1, edges), summarizeSorted(b.sorted, 2, edges));
    const all = sortFinite([...a.sorted, ...b.sorted]);
    const whole = summarizeSorted(all.sorted, 3, edges);
    expect(merged.counts).toEqual(whole.counts);
    expect(merged.mean).toBeCloseTo(whole.mean, 12);
    expect(merged.std).toBeCloseTo(whole.std, 12);
    expect(merged.missing).toBe(3);
  });

  it('refuses summaries with different edges', () => {
    expect(() => mergeNumericSummaries(summarizeNumeric([1, 2, 3]), summarizeNumeric([1, 2, 4]))).toThrow(RangeError);
  });
});

describe('binSorted', () => {
  it('puts values into right-closed bins with under- and overflow', () => {
    expect(binSorted([-1, 0, 0.5, 1, 1.5, 2, 3], [0, 1, 2])).toEqual([2, 2, 2, 1]);
  });
});

describe('wasserstein1AgainstSummary', () => {
  it('is close to the exact two-sample W1 against the raw reference', () => {
    const rng = new SeededRandom(3);
    const reference = Float64Array.from(rng.normals(50_000)).sort();
    const summary = summarizeSorted(reference, 0);
    const window = Float64Array.from(rng.normals(5000, 0.3, 1.2)).sort();
    const exact = wasserstein1Sorted(window, reference);
    expect(Math.abs(wasserstein1AgainstSummary(window, summary) - exact)).toBeLessThan(0.01 * exact + 0.002);
  });

  it('is exact for a uniform reference represented by one linear bin', () => {
    // F̂ = x on [0, 1]; window = {0.5}: ∫|1[x ≥ ½] − x| dx = ¼.
    const summary = summarizeSorted(Float64Array.from([0, 1]), 0, [0, 1]);
    const uniform = { ...summary, counts: [0, 2, 0] };
    expect(wasserstein1AgainstSummary([0.5], uniform)).toBeCloseTo(0.25, 15);
  });
});
