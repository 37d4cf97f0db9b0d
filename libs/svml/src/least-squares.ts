/** One batch of a linear-regression problem: X row-major n×p, y of length n. */
export interface RegressionBatch {
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly p: number;
}

/** Gram matrix XᵀX (row-major p×p). */
export function gramMatrix(batch: RegressionBatch): Float64Array {
  const { X, n, p } = batch;
  const g = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const xa = X[i * p + a] ?? 0;
      if (xa === 0) continue;
      for (let b = a; b < p; b++) g[a * p + b] = (g[a * p + b] ?? 0) + xa * (X[i * p + b] ?? 0);
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) g[a * p + b] = g[b * p + a] ?? 0;
  return g;
}

/** Solves S x = rhs for symmetric positive-definite S by Cholesky; throws if S is not PD. */
export function choleskySolve(s: Float64Array, rhs: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = s[i * p + j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (l[i * p + k] ?? 0) * (l[j * p + k] ?? 0);
      if (i === j) {
        if (!(sum > 0)) throw new RangeError(`choleskySolve: matrix is not positive definite (pivot ${i} = ${sum})`);
        l[i * p + i] = Math.sqrt(sum);
      } else {
        l[i * p + j] = sum / (l[j * p + j] ?? 1);
      }
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = rhs[i] ?? 0;
    for (let k = 0; k < i; k++) sum -= (l[i * p + k] ?? 0) * (z[k] ?? 0);
    z[i] = sum / (l[i * p + i] ?? 1);
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let sum = z[i] ?? 0;
    for (let k = i + 1; k < p; k++) sum -= (l[k * p + i] ?? 0) * (x[k] ?? 0);
    x[i] = sum / (l[i * p + i] ?? 1);
  }
  return x;
}

/** Ordinary least squares β̂ = (XᵀX + ridge·I)⁻¹ Xᵀy (no intercept: centre or add a column). */
export function fitLeastSquares(batch: RegressionBatch, ridge = 0): Float64Array {
  const { X, y, n, p } = batch;
  const g = gramMatrix(batch);
  for (let a = 0; a < p; a++) g[a * p + a] = (g[a * p + a] ?? 0) + ridge;
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) xty[a] = (xty[a] ?? 0) + (X[i * p + a] ?? 0) * (y[i] ?? 0);
  return choleskySolve(g, xty, p);
}

/** Sum of squared residuals L(β) = ||y − Xβ||². */
export function squaredLoss(batch: RegressionBatch, beta: ArrayLike<number>): number {
  const { X, y, n, p } = batch;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let r = y[i] ?? 0;
    for (let a = 0; a < p; a++) r -= (X[i * p + a] ?? 0) * (beta[a] ?? 0);
    loss += r * r;
  }
  return loss;
}
