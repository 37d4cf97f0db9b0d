import { describe, expect, it } from 'vitest';
import { DistanceCache, INITIAL_MODEL, type CandidateRef } from './distance-cache.js';
import { greedySequence } from './greedy-path.js';
import { Rng } from '@ratchet/ml';
import { shortestSequence } from './shortest-path.js';

/** Random instance: candidates are points in the plane, distance = Euclidean. */
function instance(seed: number, batches: number, k: number) {
  const rng = new Rng(seed);
  const points: Float64Array[] = Array.from({ length: batches }, () => Float64Array.from({ length: 2 * k }, () => rng.next()));
  const origin = Float64Array.from([rng.next(), rng.next()]);
  const scores = Array.from({ length: batches }, () => Float64Array.from({ length: k }, () => rng.next()));
  const at = (c: CandidateRef): [number, number] =>
    c.batch < 0 ? [origin[0] ?? 0, origin[1] ?? 0] : [points[c.batch]?.[2 * c.index] ?? 0, points[c.batch]?.[2 * c.index + 1] ?? 0];
  const distance = (a: CandidateRef, b: CandidateRef): number => {
    const [ax, ay] = at(a);
    const [bx, by] = at(b);
    return Math.hypot(ax - bx, ay - by);
  };
  // Random feasible subsets (non-empty) per batch.
  const layers = Array.from({ length: batches }, () => {
    const keep = Array.from({ length: k }, (_, i) => i).filter(() => rng.next() < 0.7);
    return Int32Array.from(keep.length > 0 ? keep : [rng.int(k)]);
  });
  return { distance, scores, layers };
}

function bruteForce(layers: Int32Array[], d: (a: CandidateRef, b: CandidateRef) => number, initial: boolean): number {
  let best = Infinity;
  const walk = (b: number, prev: CandidateRef | undefined, acc: number): void => {
    if (b === layers.length) {
      best = Math.min(best, acc);
      return;
    }
    for (const i of layers[b] ?? []) {
      const here = { batch: b, index: i };
      walk(b + 1, here, acc + (prev === undefined ? 0 : d(prev, here)));
    }
  };
  walk(0, initial ? INITIAL_MODEL : undefined, 0);
  return best;
}

describe('shortestSequence', () => {
  it('agrees with brute-force enumeration on small random instances', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const initial = seed % 2 === 0;
      const { distance, layers } = instance(seed, 2 + (seed % 4), 4);
      const selection = shortestSequence(layers, new DistanceCache(distance), { initial });
      expect(selection.totalDistance).toBeCloseTo(bruteForce(layers, distance, initial), 12);
      selection.indices.forEach((index, b) => expect(Array.from(layers[b] ?? [])).toContain(index));
    }
  });

  it('is never longer than the greedy sequence', () => {
    for (let seed = 100; seed < 160; seed++) {
      const initial = seed % 3 === 0;
      const { distance, layers, scores } = instance(seed, 6, 8);
      const cache = new DistanceCache(distance);
      const sp = shortestSequence(layers, cache, { initial });
      const greedy = greedySequence(layers, scores, 'score', cache, { initial });
      expect(sp.totalDistance).toBeLessThanOrEqual(greedy.totalDistance + 1e-12);
    }
  });

  it('evaluates each candidate pair at most once across repeated selections', () => {
    const { distance, layers, scores } = instance(7, 5, 6);
    let calls = 0;
    const cache = new DistanceCache((a, b) => {
      calls++;
      return distance(a, b);
    });
    shortestSequence(layers, cache, { initial: true });
    const afterFirst = calls;
    let pairs = (layers[0]?.length ?? 0);
    for (let b = 1; b < layers.length; b++) pairs += (layers[b - 1]?.length ?? 0) * (layers[b]?.length ?? 0);
    expect(afterFirst).toBe(pairs);
    shortestSequence(layers, cache, { initial: true });
    greedySequence(layers, scores, 'loss', cache, { initial: true });
    expect(calls).toBe(afterFirst);
    expect(cache.evaluations).toBe(calls);
  });

  it('includes the edge from the initial model in the distances', () => {
    const d = (a: CandidateRef, b: CandidateRef): number => Math.abs((a.batch < 0 ? 10 : a.index) - b.index);
    const layers = [Int32Array.from([0, 9]), Int32Array.from([0, 8])];
    const withF0 = shortestSequence(layers, new DistanceCache(d), { initial: true });
    expect(Array.from(withF0.indices)).toEqual([9, 8]);
    expect(Array.from(withF0.distances)).toEqual([1, 1]);
    const without = shortestSequence(layers, new DistanceCache(d));
    expect(Array.from(without.indices)).toEqual([0, 0]);
    expect(without.totalDistance).toBe(0);
  });
});

describe('greedySequence', () => {
  it('starts from the best score and then follows the nearest neighbour', () => {
    const d = (a: CandidateRef, b: CandidateRef): number => Math.abs(a.index - b.index);
    const layers = [Int32Array.from([0, 1, 2]), Int32Array.from([0, 2, 5])];
    const greedy = greedySequence(layers, [[0.5, 0.3, 0.9], [0, 0, 0, 0, 0, 0]], 'loss', new DistanceCache(d));
    expect(Array.from(greedy.indices)).toEqual([1, 0]);
    expect(greedy.totalDistance).toBe(1);
  });
});
