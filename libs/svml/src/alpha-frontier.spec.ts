import { describe, expect, it } from 'vitest';
import { alphaFrontier } from './alpha-frontier.js';
import { coefficientDistance } from './coefficient-distance.js';
import { DistanceCache } from './distance-cache.js';
import { leastSquaresPool, slowlyVaryingRegression } from './synthetic.js';

describe('alphaFrontier', () => {
  const problem = slowlyVaryingRegression({ seed: 3, batches: 5, n: 60, p: 4 });
  const pools = problem.batches.map((batch, b) => leastSquaresPool(batch, 12, 100 + b));
  const losses = pools.map((pool) => pool.losses);
  const distance = new DistanceCache((a, b) =>
    coefficientDistance(pools[a.batch]?.betas[a.index] ?? [], pools[b.batch]?.betas[b.index] ?? []),
  );
  const alphas = [0, 0.01, 0.05, 0.1, 0.5];
  const frontier = alphaFrontier(losses, alphas, 'loss', distance, { includeGreedy: true });

  it('trades predictive power for stability monotonically in α', () => {
    for (let i = 1; i < frontier.length; i++) {
      const prev = frontier[i - 1];
      const cur = frontier[i];
      expect(cur?.selection.totalDistance).toBeLessThanOrEqual((prev?.selection.totalDistance ?? 0) + 1e-12);
      for (let b = 0; b < losses.length; b++) {
        expect(cur?.feasibleCounts[b]).toBeGreaterThanOrEqual(prev?.feasibleCounts[b] ?? 0);
      }
    }
  });

  it('selects the per-batch optimum at α = 0 and reports means consistently', () => {
    const first = frontier[0];
    expect(Array.from(first?.selection.indices ?? [])).toEqual([0, 0, 0, 0, 0]);
    const meanLoss = losses.reduce((s, l) => s + (l[0] ?? 0), 0) / losses.length;
    expect(first?.meanScore).toBeCloseTo(meanLoss, 10);
    expect(first?.meanDistance).toBeCloseTo((first?.selection.totalDistance ?? 0) / 4, 12);
  });

  it('never reports a greedy sequence shorter than the shortest path', () => {
    for (const point of frontier) {
      expect(point.selection.totalDistance).toBeLessThanOrEqual((point.greedy?.selection.totalDistance ?? 0) + 1e-12);
    }
  });
});
