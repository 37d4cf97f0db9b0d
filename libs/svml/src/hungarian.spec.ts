import { describe, expect, it } from 'vitest';
import { solveAssignment } from './hungarian.js';
import { matchPaths } from './path-matching.js';
import { Rng } from '@ratchet/ml';

function permutationsBrute(cost: Float64Array, rows: number, cols: number): number {
  let best = Infinity;
  const used = new Uint8Array(cols);
  const go = (r: number, acc: number): void => {
    if (r === rows) {
      best = Math.min(best, acc);
      return;
    }
    for (let c = 0; c < cols; c++) {
      if (used[c]) continue;
      used[c] = 1;
      go(r + 1, acc + (cost[r * cols + c] ?? 0));
      used[c] = 0;
    }
  };
  go(0, 0);
  return best;
}

/** Every map large → small that hits every small path, by enumeration. */
function coveringBrute(cost: Float64Array, nLarge: number, nSmall: number): number {
  let best = Infinity;
  const map = new Int32Array(nLarge);
  const go = (i: number, acc: number): void => {
    if (i === nLarge) {
      const hit = new Uint8Array(nSmall);
      for (const j of map) hit[j] = 1;
      if (hit.every((h) => h === 1)) best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < nSmall; j++) {
      map[i] = j;
      go(i + 1, acc + (cost[i * nSmall + j] ?? 0));
    }
  };
  go(0, 0);
  return best;
}

describe('solveAssignment', () => {
  it('matches brute force on random rectangular cost matrices', () => {
    const rng = new Rng(42);
    for (let trial = 0; trial < 60; trial++) {
      const rows = 1 + rng.int(5);
      const cols = rows + rng.int(3);
      const cost = Float64Array.from({ length: rows * cols }, () => Math.round(rng.next() * 20) - 5);
      const result = solveAssignment(cost, rows, cols);
      expect(result.cost).toBeCloseTo(permutationsBrute(cost, rows, cols), 10);
      expect(new Set(result.rowToColumn).size).toBe(rows);
    }
  });

  it('solves the textbook 3×3 instance', () => {
    const cost = Float64Array.from([4, 1, 3, 2, 0, 5, 3, 2, 2]);
    const result = solveAssignment(cost, 3, 3);
    expect(result.cost).toBe(5);
    expect(Array.from(result.rowToColumn)).toEqual([1, 0, 2]);
  });
});

describe('matchPaths', () => {
  it('finds the optimal covering matching that brute force finds', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 60; trial++) {
      const nSmall = 1 + rng.int(3);
      const nLarge = nSmall + rng.int(4);
      const cost = Float64Array.from({ length: nLarge * nSmall }, () => rng.next() * 10);
      const result = matchPaths(cost, nLarge, nSmall);
      expect(result.cost).toBeCloseTo(coveringBrute(cost, nLarge, nSmall), 10);
      const hit = new Set(result.largeToSmall);
      expect(hit.size).toBe(nSmall);
      let recomputed = 0;
      result.largeToSmall.forEach((j, i) => (recomputed += cost[i * nSmall + j] ?? 0));
      expect(recomputed).toBeCloseTo(result.cost, 12);
    }
  });
});
