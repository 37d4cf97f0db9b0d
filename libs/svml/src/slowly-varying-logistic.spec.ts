import { describe, expect, it } from 'vitest';
import { alphaFeasibleLayers } from './alpha-feasibility.js';
import { coefficientDistance } from './coefficient-distance.js';
import { DistanceCache } from './distance-cache.js';
import { fitLogistic, logisticGradient, logisticLoss, type ClassificationBatch } from './logistic-loss.js';
import { Rng } from '@ratchet/ml';
import { shortestSequence } from './shortest-path.js';
import { solveSlowlyVaryingLogistic } from './slowly-varying-logistic.js';

function logisticBatches(seed: number, batches: number, n: number, p: number): ClassificationBatch[] {
  const rng = new Rng(seed);
  const beta0 = Float64Array.from({ length: p }, () => rng.int(3) - 1);
  return Array.from({ length: batches }, () => {
    const beta = Float64Array.from(beta0, (v) => v + 0.3 * (2 * rng.next() - 1));
    const X = new Float64Array(n * p);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < p; j++) {
        const x = rng.normal();
        X[i * p + j] = x;
        z += x * (beta[j] ?? 0);
      }
      y[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    return { X, y, n, p };
  });
}

describe('fitLogistic', () => {
  it('reaches a stationary point of the logistic loss', () => {
    const [batch] = logisticBatches(1, 1, 200, 4);
    if (batch === undefined) throw new Error('no batch');
    const beta = fitLogistic(batch);
    for (const g of logisticGradient(batch, beta)) expect(Math.abs(g)).toBeLessThan(1e-8);
  });
});

describe('solveSlowlyVaryingLogistic', () => {
  const batches = logisticBatches(8, 4, 120, 4);

  it.each([0.01, 0.05])('is feasible and satisfies KKT conditions at α = %f', (alpha) => {
    const result = solveSlowlyVaryingLogistic(batches, alpha);
    expect(result.converged).toBe(true);
    expect(result.kkt.infeasibility).toBeLessThan(1e-9);
    expect(result.kkt.stationarity).toBeLessThan(1e-7);
    expect(result.kkt.complementarity).toBeLessThan(1e-7);
    for (const ratio of result.lossRatios) expect(ratio).toBeLessThanOrEqual(1 + alpha + 1e-9);
  });

  it('is never worse than an α-feasible sequence of bootstrap fits', () => {
    const alpha = 0.05;
    const exact = solveSlowlyVaryingLogistic(batches, alpha);
    const rng = new Rng(99);
    const pools = batches.map((batch) => {
      const betas = [fitLogistic(batch)];
      while (betas.length < 15) {
        const X = new Float64Array(batch.X.length);
        const y = new Uint8Array(batch.n);
        for (let i = 0; i < batch.n; i++) {
          const r = rng.int(batch.n);
          X.set(batch.X.subarray(r * batch.p, (r + 1) * batch.p), i * batch.p);
          y[i] = batch.y[r] ?? 0;
        }
        betas.push(fitLogistic({ X, y, n: batch.n, p: batch.p }));
      }
      return { betas, losses: Float64Array.from(betas, (beta) => logisticLoss(batch, beta)) };
    });
    const layers = alphaFeasibleLayers(pools.map((pool) => pool.losses), alpha, 'loss');
    const cache = new DistanceCache((a, c) =>
      coefficientDistance(pools[a.batch]?.betas[a.index] ?? [], pools[c.batch]?.betas[c.index] ?? []),
    );
    expect(exact.cost).toBeLessThanOrEqual(shortestSequence(layers, cache).totalDistance + 1e-9);
  });
});
