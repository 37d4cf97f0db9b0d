import { describe, it, expect } from 'vitest';
import { batchBounds, disjointBatches, prefixBatches } from './batches.js';

describe('temporal batches', () => {
  const order = Int32Array.from([4, 0, 3, 1, 2, 6, 5]);

  it('cuts near-equal blocks, earlier blocks taking the remainder', () => {
    expect(Array.from(batchBounds(7, 3))).toEqual([0, 3, 5, 7]);
  });

  it('gives disjoint batches that cover the order exactly once', () => {
    const batches = disjointBatches(order, 3).map((b) => Array.from(b));
    expect(batches).toEqual([[4, 0, 3], [1, 2], [6, 5]]);
  });

  it('gives nested prefixes D_1 ⊂ D_2 ⊂ D_3 ending with all rows', () => {
    const prefixes = prefixBatches(order, 3).map((b) => Array.from(b));
    expect(prefixes.map((p) => p.length)).toEqual([3, 5, 7]);
    for (let b = 1; b < prefixes.length; b++) {
      expect((prefixes[b] ?? []).slice(0, (prefixes[b - 1] ?? []).length)).toEqual(prefixes[b - 1]);
    }
  });

  it('rejects more batches than rows', () => {
    expect(() => batchBounds(2, 3)).toThrow(RangeError);
  });
});
