import { describe, expect, it } from 'vitest';
import { binMatrix, binValue, fitBinMapper, missingBin } from './binning.js';
import { goesLeft } from './float32-threshold.js';

describe('fitBinMapper', () => {
  it('gives every distinct value its own bin when there are few of them', () => {
    const X = Float64Array.from([3, 1, 2, 2, 1, 3, 5]);
    const mapper = fitBinMapper(X, 7, 1);
    expect(Array.from(mapper.edges[0] ?? [])).toEqual([1.5, 2.5, 4]);
    expect(Array.from(binMatrix(mapper, X, 7))).toEqual([2, 0, 1, 1, 0, 2, 3]);
  });

  it('puts roughly equal row counts in each bin for a continuous feature', () => {
    const n = 10_000;
    const X = new Float64Array(n);
    for (let i = 0; i < n; i++) X[i] = Math.sqrt(((i * 7919) % n) / n); // skewed, all distinct
    const mapper = fitBinMapper(X, n, 1, { maxBins: 16 });
    expect(mapper.edges[0]?.length).toBe(15);
    const counts = new Array<number>(16).fill(0);
    for (const b of binMatrix(mapper, X, n)) counts[b] = (counts[b] as number) + 1;
    for (const c of counts) expect(Math.abs(c - n / 16)).toBeLessThanOrEqual(2);
  });

  it('bins consistently with the float32 branch rule at every edge', () => {
    const n = 2000;
    const X = new Float64Array(n);
    for (let i = 0; i < n; i++) X[i] = Math.sin(i) * 1e3;
    const edges = fitBinMapper(X, n, 1, { maxBins: 32 }).edges[0] as Float32Array;
    let mismatches = 0;
    for (let i = 0; i < n; i++) {
      const bin = binValue(edges, X[i] as number);
      for (let b = 0; b < edges.length; b++) if (bin <= b !== goesLeft(X[i] as number, edges[b] as number)) mismatches++;
    }
    expect(edges.length).toBe(31);
    for (let b = 1; b < edges.length; b++) expect(edges[b]).toBeGreaterThan(edges[b - 1] as number);
    expect(mismatches).toBe(0);
  });

  it('sorts negative, zero and positive values into ascending edges', () => {
    // 1e-40 is a float32 subnormal, distinct from 0.
    const X = Float64Array.from([-0.5, 3, -1e30, 0, -2, 1e-40, 7, -0.25]);
    const mapper = fitBinMapper(X, 8, 1);
    const edges = Array.from(mapper.edges[0] ?? []);
    expect(edges.length).toBe(7);
    expect(edges).toEqual([...edges].sort((a, b) => a - b));
    expect(Array.from(binMatrix(mapper, X, 8))).toEqual([2, 6, 0, 4, 1, 5, 7, 3]);
  });

  it('codes NaN one past the last value bin and ignores it when placing edges', () => {
    const X = Float64Array.from([Number.NaN, 1, 2, Number.NaN]);
    const mapper = fitBinMapper(X, 4, 1);
    const edges = mapper.edges[0] as Float32Array;
    expect(Array.from(edges)).toEqual([1.5]);
    expect(missingBin(edges)).toBe(2);
    expect(Array.from(binMatrix(mapper, X, 4))).toEqual([2, 0, 1, 2]);
  });

  it('rejects more than 255 value bins', () => {
    expect(() => fitBinMapper(new Float64Array(4), 4, 1, { maxBins: 256 })).toThrow(/maxBins/);
  });
});
