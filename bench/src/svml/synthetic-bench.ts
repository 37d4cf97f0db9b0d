import {
  DistanceCache,
  alphaFrontier,
  coefficientDistance,
  leastSquaresExactFrontier,
  leastSquaresPool,
  slowlyVaryingRegression,
} from '@ratchet/svml';
import { fmt, formatTable } from '../stats.js';

const ALPHAS = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2];
const POOL_SIZES = [10, 50, 100];

/**
 * SVML paper §2.3 (Figure 1): linear regression, B = 10 batches of n = 100, p = 10,
 * β_b within 0.3 of β_0 ∈ {−1, 0, 1}^p. For each α, the exact optimum of Problem (1)
 * (convex solver) against the restricted problem over pools of K bootstrap OLS fits
 * (shortest path), averaged over `SVML_SYNTHETIC_SEEDS` (default 5) problems.
 */
export async function svmlSyntheticBench(): Promise<{ rows: unknown[]; table: string }> {
  const seeds = Number(process.env['SVML_SYNTHETIC_SEEDS'] ?? 5);
  const acc = ALPHAS.map(() => ({ exact: 0, exactRatio: 0, converged: 0, pool: POOL_SIZES.map(() => ({ d: 0, ratio: 0 })) }));
  const t0 = performance.now();
  for (let s = 0; s < seeds; s++) {
    const problem = slowlyVaryingRegression({ seed: 1000 + s });
    const exact = leastSquaresExactFrontier(problem.batches, ALPHAS);
    exact.forEach((p, a) => {
      const row = acc[a] as (typeof acc)[number];
      row.exact += p.meanDistance / seeds;
      row.exactRatio += p.meanLossRatio / seeds;
      row.converged += p.converged ? 1 : 0;
    });
    POOL_SIZES.forEach((k, kk) => {
      const pools = problem.batches.map((batch, b) => leastSquaresPool(batch, k, 7919 * (s + 1) + b));
      const cache = new DistanceCache((from, to) =>
        coefficientDistance(pools[from.batch]?.betas[from.index] ?? [], pools[to.batch]?.betas[to.index] ?? []),
      );
      const frontier = alphaFrontier(pools.map((p) => p.losses), ALPHAS, 'loss', cache);
      frontier.forEach((point, a) => {
        const cell = acc[a]?.pool[kk] as { d: number; ratio: number };
        cell.d += point.meanDistance / seeds;
        let ratio = 0;
        point.selection.indices.forEach((i, b) => {
          const losses = pools[b]?.losses as Float64Array;
          ratio += (losses[i] as number) / Math.min(...losses);
        });
        cell.ratio += ratio / point.selection.indices.length / seeds;
      });
    });
  }
  const rows = ALPHAS.map((alpha, a) => {
    const r = acc[a] as (typeof acc)[number];
    return {
      alpha,
      exactMeanDistance: r.exact,
      exactMeanLossRatio: r.exactRatio,
      exactConverged: `${r.converged}/${seeds}`,
      restricted: POOL_SIZES.map((k, kk) => ({ k, meanDistance: r.pool[kk]?.d ?? Number.NaN, meanLossRatio: r.pool[kk]?.ratio ?? Number.NaN, gap: (r.pool[kk]?.d ?? 0) / r.exact })),
    };
  });
  const table = formatTable(
    ['α', 'exact mean d', 'exact L/L*', ...POOL_SIZES.flatMap((k) => [`K=${k} mean d`, `K=${k} ×exact`])],
    rows.map((r) => [
      String(r.alpha),
      fmt(r.exactMeanDistance, 4),
      fmt(r.exactMeanLossRatio, 4),
      ...r.restricted.flatMap((p) => [fmt(p.meanDistance, 4), fmt(p.gap, 2)]),
    ]),
  );
  const note = `\n(${seeds} problems of B=10, n=100, p=10; exact solver converged ${rows.map((r) => r.exactConverged).join(', ')}; ${((performance.now() - t0) / 1000).toFixed(1)} s)`;
  return { rows, table: table + note };
}
