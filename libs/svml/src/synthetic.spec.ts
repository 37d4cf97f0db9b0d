import { describe, expect, it } from 'vitest';
import { leastSquaresPool, slowlyVaryingRegression } from './synthetic.js';

describe('slowlyVaryingRegression', () => {
  it('draws β₀ from {−1, 0, 1}^p and keeps every β_b within the drift of β₀', () => {
    const problem = slowlyVaryingRegression({ seed: 4, batches: 8 });
    expect(problem.batches).toHaveLength(8);
    for (const v of problem.beta0) expect([-1, 0, 1]).toContain(v);
    for (const beta of problem.betas) {
      beta.forEach((v, j) => expect(Math.abs(v - (problem.beta0[j] ?? 0))).toBeLessThanOrEqual(0.3));
    }
    expect(problem.batches[0]?.X.length).toBe(100 * 10);
  });

  it('is deterministic in its seed', () => {
    const a = slowlyVaryingRegression({ seed: 9, batches: 2 });
    const b = slowlyVaryingRegression({ seed: 9, batches: 2 });
    const c = slowlyVaryingRegression({ seed: 10, batches: 2 });
    expect(a).toEqual(b);
    expect(a.batches[0]?.y).not.toEqual(c.batches[0]?.y);
  });
});

describe('leastSquaresPool', () => {
  it('puts the OLS fit first, so it has the smallest loss in the pool', () => {
    const [batch] = slowlyVaryingRegression({ seed: 2, batches: 1 }).batches;
    if (batch === undefined) throw new Error('no batch');
    const pool = leastSquaresPool(batch, 15, 3);
    expect(pool.betas).toHaveLength(15);
    for (const loss of pool.losses) expect(loss).toBeGreaterThanOrEqual((pool.losses[0] ?? 0) - 1e-9);
  });
});
