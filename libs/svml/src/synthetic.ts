import { fitLeastSquares, squaredLoss, type RegressionBatch } from './least-squares.js';
import { Rng } from '@ratchet/ml';

/** Options for {@link slowlyVaryingRegression}. */
export interface SlowlyVaryingRegressionOptions {
  readonly seed: number;
  readonly batches?: number;
  readonly n?: number;
  readonly p?: number;
  /** Half-width of the per-coordinate drift of β_b around β_0 (default 0.3). */
  readonly drift?: number;
  /** Standard deviation of the Gaussian noise (default 1; our choice). */
  readonly noise?: number;
}

/** A synthetic slowly varying linear-regression problem. */
export interface SlowlyVaryingRegression {
  readonly beta0: Float64Array;
  /** True coefficients of each batch. */
  readonly betas: Float64Array[];
  readonly batches: RegressionBatch[];
}

/**
 * Synthetic check of the SVML paper (§2.3): β_0 ∈ {−1, 0, 1}^p uniformly; for each
 * batch b, β_b = β_0 + u_b with u_b ~ U[−drift, drift]^p (so ||β_b − β_0||∞ ≤ 0.3);
 * X_b has i.i.d. N(0, 1) entries (n = 100, p = 10 by default) and
 * y_b = X_b β_b + ε, ε ~ N(0, noise²). Deterministic in `seed`.
 */
export function slowlyVaryingRegression({
  seed,
  batches = 10,
  n = 100,
  p = 10,
  drift = 0.3,
  noise = 1,
}: SlowlyVaryingRegressionOptions): SlowlyVaryingRegression {
  const rng = new Rng(seed);
  const beta0 = Float64Array.from({ length: p }, () => rng.int(3) - 1);
  const betas: Float64Array[] = [];
  const data: RegressionBatch[] = [];
  for (let b = 0; b < batches; b++) {
    const beta = Float64Array.from(beta0, (v) => v + drift * (2 * rng.next() - 1));
    const X = new Float64Array(n * p);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let j = 0; j < p; j++) {
        const x = rng.normal();
        X[i * p + j] = x;
        mean += x * (beta[j] ?? 0);
      }
      y[i] = mean + noise * rng.normal();
    }
    betas.push(beta);
    data.push({ X, y, n, p });
  }
  return { beta0, betas, batches: data };
}

/** A pool of candidate linear models for one batch with their training losses. */
export interface CandidatePool {
  readonly betas: Float64Array[];
  /** ||y − Xβ||² on the full batch, the loss of Problem (1)'s constraint. */
  readonly losses: Float64Array;
}

/**
 * K candidates for the restricted (pool) version of Problem (1): candidate 0 is
 * the OLS fit on the whole batch (so the pool's best loss is the true minimum
 * and α-feasibility matches the exact problem), the others are OLS fits on
 * bootstrap resamples. Losses are measured on the full batch.
 */
export function leastSquaresPool(batch: RegressionBatch, k: number, seed: number): CandidatePool {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`leastSquaresPool: k must be ≥ 1, got ${k}`);
  const rng = new Rng(seed);
  const { n, p } = batch;
  const betas: Float64Array[] = [fitLeastSquares(batch)];
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  while (betas.length < k) {
    for (let i = 0; i < n; i++) {
      const r = rng.int(n);
      X.set(batch.X.subarray(r * p, (r + 1) * p), i * p);
      y[i] = batch.y[r] ?? 0;
    }
    try {
      betas.push(fitLeastSquares({ X, y, n, p }));
    } catch {
      // A rank-deficient resample (possible for tiny n) is simply redrawn.
    }
  }
  return { betas, losses: Float64Array.from(betas, (beta) => squaredLoss(batch, beta)) };
}
