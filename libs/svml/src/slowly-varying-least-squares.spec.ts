import { describe, expect, it } from 'vitest';
import { alphaFeasibleLayers } from './alpha-feasibility.js';
import { coefficientDistance } from './coefficient-distance.js';
import { DistanceCache, INITIAL_MODEL } from './distance-cache.js';
import { shortestSequence } from './shortest-path.js';
import { solveSlowlyVaryingLeastSquares } from './slowly-varying-least-squares.js';
import { leastSquaresPool, slowlyVaryingRegression } from './synthetic.js';

describe('solveSlowlyVaryingLeastSquares', () => {
  const problem = slowlyVaryingRegression({ seed: 21, batches: 6 });

  it('returns the per-batch OLS fits when α = 0', () => {
    const result = solveSlowlyVaryingLeastSquares(problem.batches, 0);
    result.betas.forEach((beta, b) => {
      expect(coefficientDistance(beta, result.olsBetas[b] ?? [])).toBeLessThan(1e-20);
    });
    let cost = 0;
    for (let b = 1; b < result.olsBetas.length; b++) {
      cost += coefficientDistance(result.olsBetas[b] ?? [], result.olsBetas[b - 1] ?? []);
    }
    expect(result.cost).toBeCloseTo(cost, 12);
  });

  it.each([0.01, 0.05, 0.2])('is feasible and satisfies KKT conditions at α = %f', (alpha) => {
    const result = solveSlowlyVaryingLeastSquares(problem.batches, alpha);
    expect(result.converged).toBe(true);
    expect(result.kkt.infeasibility).toBeLessThan(1e-9);
    expect(result.kkt.stationarity).toBeLessThan(1e-7);
    expect(result.kkt.complementarity).toBeLessThan(1e-7);
    for (const ratio of result.lossRatios) expect(ratio).toBeLessThanOrEqual(1 + alpha + 1e-9);
    for (const mu of result.kkt.multipliers) expect(mu).toBeGreaterThanOrEqual(0);
  });

  it('is never worse than any α-feasible sequence from a candidate pool', () => {
    for (const alpha of [0.02, 0.1]) {
      const exact = solveSlowlyVaryingLeastSquares(problem.batches, alpha);
      for (const k of [10, 40]) {
        const pools = problem.batches.map((batch, b) => leastSquaresPool(batch, k, 1000 * k + b));
        const layers = alphaFeasibleLayers(
          pools.map((pool) => pool.losses),
          alpha,
          'loss',
        );
        const cache = new DistanceCache((a, c) =>
          coefficientDistance(pools[a.batch]?.betas[a.index] ?? [], pools[c.batch]?.betas[c.index] ?? []),
        );
        const restricted = shortestSequence(layers, cache);
        expect(exact.cost).toBeLessThanOrEqual(restricted.totalDistance + 1e-9);
      }
    }
  });

  it('shrinks the objective to zero when every batch tolerates a huge loss increase', () => {
    const result = solveSlowlyVaryingLeastSquares(problem.batches, 1e4);
    expect(result.cost).toBeLessThan(1e-10);
  });

  it('anchors the first model to a fixed initial model', () => {
    const f0 = Float64Array.from(problem.beta0);
    const alpha = 0.05;
    const anchored = solveSlowlyVaryingLeastSquares(problem.batches, alpha, { initial: f0 });
    expect(anchored.kkt.stationarity).toBeLessThan(1e-7);
    const free = solveSlowlyVaryingLeastSquares(problem.batches, alpha);
    // The anchored objective includes ||β_1 − f0||², so it is at least the free optimum.
    expect(anchored.cost).toBeGreaterThanOrEqual(free.cost - 1e-9);
    // And a restricted pool with the same anchor is never better.
    const pools = problem.batches.map((batch, b) => leastSquaresPool(batch, 20, 77 + b));
    const cache = new DistanceCache((a, c) => {
      const from = a.batch === INITIAL_MODEL.batch ? f0 : (pools[a.batch]?.betas[a.index] ?? []);
      return coefficientDistance(from, pools[c.batch]?.betas[c.index] ?? []);
    });
    const layers = alphaFeasibleLayers(pools.map((pool) => pool.losses), alpha, 'loss');
    expect(anchored.cost).toBeLessThanOrEqual(shortestSequence(layers, cache, { initial: true }).totalDistance + 1e-9);
  });
});
