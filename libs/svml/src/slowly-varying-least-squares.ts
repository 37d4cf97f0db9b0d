import { ellipsoid, ellipsoidConstraint, projectOntoEllipsoid } from './ellipsoid-projection.js';
import { fitLeastSquares, gramMatrix, squaredLoss, type RegressionBatch } from './least-squares.js';
import {
  solveSlowlyVaryingSequence,
  type ConvexConstraint,
  type SlowlyVaryingSolution,
  type SlowlyVaryingSolverOptions,
} from './slowly-varying-solver.js';

/** Exact solution of SVML Problem (1) for least squares. */
export interface SlowlyVaryingLeastSquares extends SlowlyVaryingSolution {
  /** L_b(β_b) / L*_b per batch, each ≤ 1 + α. */
  readonly lossRatios: Float64Array;
  /** Unconstrained OLS fit β̂_b of each batch (the centres of the feasible ellipsoids). */
  readonly olsBetas: Float64Array[];
}

/**
 * Exact SVML Problem (1) for linear regression (Bertsimas, Digalakis, Ma,
 * Paschalidis, "Slowly varying sequences", §2.1/§2.3):
 *   min_{β_1..β_B} Σ_b ||β_{b+1} − β_b||²   s.t.  L_b(β_b) ≤ (1 + α) · min_β L_b(β),
 * with L_b(β) = ||y_b − X_b β||². Since L_b(β) = L*_b + (β − β̂_b)ᵀ X_bᵀX_b (β − β̂_b),
 * each constraint is the ellipsoid (β − β̂_b)ᵀ G_b (β − β̂_b) ≤ α L*_b, projected onto
 * exactly by `projectOntoEllipsoid`; the convex QCQP is solved by
 * `solveSlowlyVaryingSequence` (restarted FISTA) with a KKT certificate.
 * Each X_b must have full column rank.
 */
export function solveSlowlyVaryingLeastSquares(
  batches: readonly RegressionBatch[],
  alpha: number,
  options: SlowlyVaryingSolverOptions = {},
): SlowlyVaryingLeastSquares {
  if (batches.length === 0) throw new RangeError('solveSlowlyVaryingLeastSquares: no batches');
  if (!(alpha >= 0)) throw new RangeError(`solveSlowlyVaryingLeastSquares: α must be ≥ 0, got ${alpha}`);
  const p = batches[0]?.p ?? 0;
  if (options.initial !== undefined && options.initial.length !== p) {
    throw new RangeError(
      `solveSlowlyVaryingLeastSquares: initial model has ${options.initial.length} coefficients, expected ${p}`,
    );
  }
  const olsBetas: Float64Array[] = [];
  const optimalLosses: number[] = [];
  const constraints: ConvexConstraint[] = batches.map((batch, b) => {
    if (batch.p !== p) throw new RangeError(`solveSlowlyVaryingLeastSquares: batch ${b} has p=${batch.p}, expected ${p}`);
    const beta = fitLeastSquares(batch);
    const loss = squaredLoss(batch, beta);
    olsBetas.push(beta);
    optimalLosses.push(loss);
    const set = ellipsoid(beta, gramMatrix(batch), alpha * loss);
    return {
      scale: Math.max((1 + alpha) * loss, Number.MIN_VALUE),
      value: (x: Float64Array) => ellipsoidConstraint(set, x),
      gradient: (x: Float64Array) => {
        const out = new Float64Array(p);
        for (let a = 0; a < p; a++) {
          let s = 0;
          for (let k = 0; k < p; k++) s += (set.shape[a * p + k] ?? 0) * ((x[k] ?? 0) - (set.center[k] ?? 0));
          out[a] = 2 * s;
        }
        return out;
      },
      project: (z: Float64Array, warm: number) => projectOntoEllipsoid(set, z, warm),
    };
  });
  const solution = solveSlowlyVaryingSequence(constraints, olsBetas, options);
  const lossRatios = Float64Array.from(batches, (batch, b) => {
    const best = optimalLosses[b] ?? 0;
    const loss = squaredLoss(batch, solution.betas[b] ?? new Float64Array(p));
    return best === 0 ? (loss === 0 ? 1 : Infinity) : loss / best;
  });
  return { ...solution, lossRatios, olsBetas };
}
