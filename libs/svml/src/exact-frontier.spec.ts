import { describe, expect, it } from 'vitest';
import { alphaFrontier } from './alpha-frontier.js';
import { coefficientDistance } from './coefficient-distance.js';
import { DistanceCache } from './distance-cache.js';
import { leastSquaresExactFrontier } from './exact-frontier.js';
import { leastSquaresPool, slowlyVaryingRegression } from './synthetic.js';

describe('leastSquaresExactFrontier', () => {
  const problem = slowlyVaryingRegression({ seed: 12, batches: 5, n: 80, p: 6 });
  const alphas = [0, 0.02, 0.05, 0.1];
  const exact = leastSquaresExactFrontier(problem.batches, alphas);

  it('has a non-increasing optimal cost and loss ratios within 1 + α', () => {
    for (let i = 1; i < exact.length; i++) {
      expect(exact[i]?.cost).toBeLessThanOrEqual((exact[i - 1]?.cost ?? 0) + 1e-9);
    }
    exact.forEach((point) => {
      expect(point.converged).toBe(true);
      expect(point.meanLossRatio).toBeLessThanOrEqual(1 + point.alpha + 1e-9);
      expect(point.meanDistance).toBeCloseTo(point.cost / 4, 12);
    });
  });

  it('lies below the pool-restricted frontier at every α', () => {
    const pools = problem.batches.map((batch, b) => leastSquaresPool(batch, 30, 500 + b));
    const cache = new DistanceCache((a, c) =>
      coefficientDistance(pools[a.batch]?.betas[a.index] ?? [], pools[c.batch]?.betas[c.index] ?? []),
    );
    const restricted = alphaFrontier(
      pools.map((pool) => pool.losses),
      alphas,
      'loss',
      cache,
    );
    restricted.forEach((point, i) => {
      expect(exact[i]?.cost).toBeLessThanOrEqual(point.selection.totalDistance + 1e-9);
    });
  });
});
