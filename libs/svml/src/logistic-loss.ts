import { choleskySolve } from './least-squares.js';

/** One batch of a binary classification problem: X row-major n×p, y ∈ {0, 1}. */
export interface ClassificationBatch {
  readonly X: Float64Array;
  readonly y: Uint8Array;
  readonly n: number;
  readonly p: number;
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function margin(batch: ClassificationBatch, beta: ArrayLike<number>, i: number): number {
  let z = 0;
  for (let a = 0; a < batch.p; a++) z += (batch.X[i * batch.p + a] ?? 0) * (beta[a] ?? 0);
  return z;
}

/** Logistic loss (negative log-likelihood) L(β) = Σ_i log(1 + e^{x_iβ}) − y_i x_iβ. */
export function logisticLoss(batch: ClassificationBatch, beta: ArrayLike<number>): number {
  let loss = 0;
  for (let i = 0; i < batch.n; i++) {
    const z = margin(batch, beta, i);
    loss += softplus(z) - (batch.y[i] ?? 0) * z;
  }
  return loss;
}

/** ∇L(β) = Σ_i (σ(x_iβ) − y_i) x_i. */
export function logisticGradient(batch: ClassificationBatch, beta: ArrayLike<number>): Float64Array {
  const { X, n, p } = batch;
  const g = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const r = sigmoid(margin(batch, beta, i)) - (batch.y[i] ?? 0);
    for (let a = 0; a < p; a++) g[a] = (g[a] ?? 0) + r * (X[i * p + a] ?? 0);
  }
  return g;
}

/** ∇²L(β) = Σ_i σ_i(1 − σ_i) x_i x_iᵀ (row-major p×p). */
export function logisticHessian(batch: ClassificationBatch, beta: ArrayLike<number>): Float64Array {
  const { X, n, p } = batch;
  const h = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    const s = sigmoid(margin(batch, beta, i));
    const w = s * (1 - s);
    for (let a = 0; a < p; a++) {
      const xa = w * (X[i * p + a] ?? 0);
      for (let b = a; b < p; b++) h[a * p + b] = (h[a * p + b] ?? 0) + xa * (X[i * p + b] ?? 0);
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) h[a * p + b] = h[b * p + a] ?? 0;
  return h;
}

/**
 * Unregularised logistic regression by damped Newton's method (no intercept:
 * add a column of ones). Throws when the iteration does not converge, which
 * for unregularised logistic regression usually means separable data, where
 * the minimum loss is not attained.
 */
export function fitLogistic(batch: ClassificationBatch, { tolerance = 1e-20, maxIterations = 100 } = {}): Float64Array {
  const beta = new Float64Array(batch.p);
  let loss = logisticLoss(batch, beta);
  for (let iter = 0; iter < maxIterations; iter++) {
    const g = logisticGradient(batch, beta);
    const step = choleskySolve(logisticHessian(batch, beta), g, batch.p);
    // Newton decrement λ² = gᵀH⁻¹g bounds the suboptimality (≈ λ²/2) near the optimum.
    let decrement = 0;
    for (let k = 0; k < batch.p; k++) decrement += (g[k] ?? 0) * (step[k] ?? 0);
    if (decrement <= tolerance * Math.max(1, loss)) {
      for (let k = 0; k < batch.p; k++) beta[k] = (beta[k] ?? 0) - (step[k] ?? 0);
      return beta;
    }
    let t = 1;
    for (;;) {
      const candidate = Float64Array.from(beta, (v, k) => v - t * (step[k] ?? 0));
      const next = logisticLoss(batch, candidate);
      // Rounding slack: near the optimum a full Newton step may not lower the loss in floating point.
      if (next <= loss + 1e-13 * Math.abs(loss) || t < 1e-12) {
        beta.set(candidate);
        loss = next;
        break;
      }
      t *= 0.5;
    }
  }
  throw new RangeError(`fitLogistic: Newton did not converge in ${maxIterations} iterations (separable data?)`);
}
