import { describe, expect, it } from 'vitest';
import { interSequenceStability, intraSequenceStability } from './stability.js';

describe('intraSequenceStability', () => {
  it('summarises adjacent distances by mean, max and total', () => {
    expect(intraSequenceStability(Float64Array.from([1, 3, 2]))).toEqual({ mean: 2, max: 3, total: 6, count: 3 });
    expect(intraSequenceStability(new Float64Array(0)).mean).toBe(0);
  });
});

describe('interSequenceStability', () => {
  it('averages pairwise distances between sequences at each batch', () => {
    // Sequences s place a scalar model s·(b+1) at batch b; d = |difference|.
    const value = (b: number, s: number): number => s * (b + 1);
    const report = interSequenceStability(3, 2, (b, s, t) => Math.abs(value(b, s) - value(b, t)));
    // batch 0: pairs (0,1)=1, (0,2)=2, (1,2)=1 → 4/3; batch 1: 2, 4, 2 → 8/3.
    expect(report.perBatch[0]).toBeCloseTo(4 / 3, 14);
    expect(report.perBatch[1]).toBeCloseTo(8 / 3, 14);
    expect(report.mean).toBeCloseTo(2, 14);
    expect(report.max).toBeCloseTo(8 / 3, 14);
  });

  it('needs at least two sequences', () => {
    expect(() => interSequenceStability(1, 3, () => 0)).toThrow(RangeError);
  });
});
