import { describe, expect, it } from 'vitest';
import { jaccardDistance, pathDistance, treeDistance, type TreePath } from './path-distance.js';

const path = (intervals: number[], value: number, categories?: number[][]): TreePath => ({
  intervals: Float64Array.from(intervals),
  value,
  ...(categories === undefined ? {} : { categories: categories.map((c) => new Set(c)) }),
});

describe('pathDistance', () => {
  it('sums bound differences, categorical Jaccard distances and λ·|value difference|', () => {
    const p = path([0, 0.5, 0.2, 1], 1, [[1, 2, 3]]);
    const q = path([0, 0.25, 0, 1], 0, [[2, 3, 4, 5]]);
    // |0−0| + |0.5−0.25| + |0.2−0| + |1−1| = 0.45; Jaccard = 1 − 2/5 = 0.6; λ = 2 → 2.
    expect(pathDistance(p, q, { lambda: 2 })).toBeCloseTo(0.45 + 0.6 + 2, 14);
  });

  it('is zero between identical paths and symmetric', () => {
    const p = path([0.1, 0.4, 0, 1], 3);
    const q = path([0.2, 0.9, 0.3, 0.6], 1);
    expect(pathDistance(p, p)).toBe(0);
    expect(pathDistance(p, q)).toBeCloseTo(pathDistance(q, p), 15);
  });

  it('treats two empty category sets as identical', () => {
    expect(jaccardDistance(new Set(), new Set())).toBe(0);
  });
});

describe('treeDistance', () => {
  const stump = [path([0, 0.5], 0), path([0.5, 1], 1)];
  const threeLeaves = [path([0, 0.5], 0), path([0.5, 0.75], 1), path([0.75, 1], 1)];

  it('is zero for the same tree and symmetric between different trees', () => {
    expect(treeDistance(stump, stump).distance).toBe(0);
    const ab = treeDistance(stump, threeLeaves);
    const ba = treeDistance(threeLeaves, stump);
    expect(ab.distance).toBeCloseTo(ba.distance, 15);
    expect(ab.swapped).toBe(true);
  });

  it('matches a split leaf to its parent region', () => {
    // [0.5,0.75]→[0.5,1]: 0.25; [0.75,1]→[0.5,1]: 0.25; [0,0.5]→[0,0.5]: 0.
    const result = treeDistance(threeLeaves, stump);
    expect(result.distance).toBeCloseTo(0.5, 15);
    expect(Array.from(result.largeToSmall)).toEqual([0, 1, 1]);
  });
});
