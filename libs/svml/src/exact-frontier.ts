import type { RegressionBatch } from './least-squares.js';
import { solveSlowlyVaryingLeastSquares } from './slowly-varying-least-squares.js';
import type { SlowlyVaryingSolverOptions } from './slowly-varying-solver.js';

/** One point of the exact predictive-power / stability frontier. */
export interface ExactFrontierPoint {
  readonly alpha: number;
  /** Optimal Σ_b ||β_{b+1} − β_b||² of Problem (1). */
  readonly cost: number;
  /** cost / number of edges (B − 1, plus 1 with an initial model); 0 with a single batch. */
  readonly meanDistance: number;
  /** Mean over batches of L_b(β_b) / L*_b (≤ 1 + α). */
  readonly meanLossRatio: number;
  readonly converged: boolean;
  readonly betas: Float64Array[];
}

/**
 * Exact frontier of Problem (1) for least squares: solves it for each α (see
 * `solveSlowlyVaryingLeastSquares`) so a benchmark can compare it with the
 * pool-restricted frontier (`alphaFrontier`) at K ∈ {10, 50, 100} (paper §2.3).
 * The optimal cost is non-increasing in α because the feasible sets grow.
 */
export function leastSquaresExactFrontier(
  batches: readonly RegressionBatch[],
  alphas: readonly number[],
  options: SlowlyVaryingSolverOptions = {},
): ExactFrontierPoint[] {
  const edges = batches.length - 1 + (options.initial === undefined ? 0 : 1);
  return alphas.map((alpha) => {
    const solution = solveSlowlyVaryingLeastSquares(batches, alpha, options);
    let ratio = 0;
    for (const r of solution.lossRatios) ratio += r;
    return {
      alpha,
      cost: solution.cost,
      meanDistance: edges === 0 ? 0 : solution.cost / edges,
      meanLossRatio: ratio / solution.lossRatios.length,
      converged: solution.converged,
      betas: solution.betas,
    };
  });
}
