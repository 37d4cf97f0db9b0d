import { fitLogistic, logisticGradient, logisticHessian, logisticLoss, type ClassificationBatch } from './logistic-loss.js';
import { projectOntoSublevelSet, type SmoothConvexFunction } from './sublevel-projection.js';
import {
  solveSlowlyVaryingSequence,
  type ConvexConstraint,
  type SlowlyVaryingSolution,
  type SlowlyVaryingSolverOptions,
} from './slowly-varying-solver.js';

/** Exact solution of SVML Problem (1) for logistic regression. */
export interface SlowlyVaryingLogistic extends SlowlyVaryingSolution {
  /** L_b(β_b) / L*_b per batch, each ≤ 1 + α. */
  readonly lossRatios: Float64Array;
  /** Unconstrained maximum-likelihood fit of each batch. */
  readonly mleBetas: Float64Array[];
}

/**
 * Exact SVML Problem (1) for logistic regression:
 *   min Σ_b ||β_{b+1} − β_b||²  s.t.  L_b(β_b) ≤ (1 + α)·min_β L_b(β),
 * with L_b the logistic negative log-likelihood. The feasible sets are convex
 * sublevel sets (no longer ellipsoids), projected onto exactly by
 * `projectOntoSublevelSet`; the outer solver and KKT certificate are those of
 * `solveSlowlyVaryingSequence`. Each batch must be non-separable.
 */
export function solveSlowlyVaryingLogistic(
  batches: readonly ClassificationBatch[],
  alpha: number,
  options: SlowlyVaryingSolverOptions = {},
): SlowlyVaryingLogistic {
  if (batches.length === 0) throw new RangeError('solveSlowlyVaryingLogistic: no batches');
  if (!(alpha >= 0)) throw new RangeError(`solveSlowlyVaryingLogistic: α must be ≥ 0, got ${alpha}`);
  const p = batches[0]?.p ?? 0;
  const mleBetas: Float64Array[] = [];
  const optimalLosses: number[] = [];
  const constraints: ConvexConstraint[] = batches.map((batch, b) => {
    if (batch.p !== p) throw new RangeError(`solveSlowlyVaryingLogistic: batch ${b} has p=${batch.p}, expected ${p}`);
    const mle = fitLogistic(batch);
    const best = logisticLoss(batch, mle);
    mleBetas.push(mle);
    optimalLosses.push(best);
    const level = (1 + alpha) * best;
    const f: SmoothConvexFunction = {
      dim: p,
      value: (x) => logisticLoss(batch, x),
      gradient: (x) => logisticGradient(batch, x),
      hessian: (x) => logisticHessian(batch, x),
    };
    return {
      scale: Math.max(level, Number.MIN_VALUE),
      value: (x: Float64Array) => f.value(x) - level,
      gradient: (x: Float64Array) => f.gradient(x),
      project: (z: Float64Array, warm: number) => projectOntoSublevelSet(f, z, level, mle, warm),
    };
  });
  const solution = solveSlowlyVaryingSequence(constraints, mleBetas, options);
  const lossRatios = Float64Array.from(
    batches,
    (batch, b) => logisticLoss(batch, solution.betas[b] ?? new Float64Array(p)) / (optimalLosses[b] ?? 1),
  );
  return { ...solution, lossRatios, mleBetas };
}
