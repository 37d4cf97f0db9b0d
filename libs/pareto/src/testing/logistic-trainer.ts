import type { BinaryProbabilityModel, BinaryTrainer } from '../meta-gate.js';

/** Solves the dense symmetric positive-definite system A x = b (Gaussian elimination, partial pivoting). */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col] ?? 0) > Math.abs(m[pivot * n + col] ?? 0)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < n; c++) {
        const t = m[col * n + c] ?? 0;
        m[col * n + c] = m[pivot * n + c] ?? 0;
        m[pivot * n + c] = t;
      }
      const t = x[col] ?? 0;
      x[col] = x[pivot] ?? 0;
      x[pivot] = t;
    }
    const diag = m[col * n + col] ?? 1;
    for (let r = col + 1; r < n; r++) {
      const f = (m[r * n + col] ?? 0) / diag;
      if (f === 0) continue;
      for (let c = col; c < n; c++) m[r * n + c] = (m[r * n + c] ?? 0) - f * (m[col * n + c] ?? 0);
      x[r] = (x[r] ?? 0) - f * (x[col] ?? 0);
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r] ?? 0;
    for (let c = r + 1; c < n; c++) s -= (m[r * n + c] ?? 0) * (x[c] ?? 0);
    x[r] = s / (m[r * n + r] ?? 1);
  }
  return x;
}

/**
 * Test-only L2-regularised logistic regression fitted by Newton's method (IRLS)
 * on standardised features; stands in for `@ratchet/ml` models in gate tests.
 */
export function logisticTrainer({ l2 = 1e-2, iterations = 30 } = {}): BinaryTrainer {
  return {
    fit(X: Float64Array, y: Uint8Array, weights?: Float64Array): BinaryProbabilityModel {
      const n = y.length;
      const d = X.length / n;
      const mean = new Float64Array(d);
      const sd = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = (mean[j] ?? 0) + (X[i * d + j] ?? 0) / n;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) sd[j] = (sd[j] ?? 0) + ((X[i * d + j] ?? 0) - (mean[j] ?? 0)) ** 2 / n;
      }
      for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] ?? 0) || 1;
      const p = d + 1;
      const w = new Float64Array(p);
      const row = new Float64Array(p);
      const fillRow = (src: Float64Array, i: number): void => {
        row[0] = 1;
        for (let j = 0; j < d; j++) row[j + 1] = ((src[i * d + j] ?? 0) - (mean[j] ?? 0)) / (sd[j] ?? 1);
      };
      for (let it = 0; it < iterations; it++) {
        const hessian = new Float64Array(p * p);
        const gradient = new Float64Array(p);
        for (let j = 1; j < p; j++) {
          hessian[j * p + j] = l2 * n;
          gradient[j] = l2 * n * (w[j] ?? 0);
        }
        for (let i = 0; i < n; i++) {
          fillRow(X, i);
          let z = 0;
          for (let j = 0; j < p; j++) z += (w[j] ?? 0) * (row[j] ?? 0);
          const mu = 1 / (1 + Math.exp(-z));
          const sw = weights?.[i] ?? 1;
          const r = sw * (mu - (y[i] ?? 0));
          const h = sw * Math.max(mu * (1 - mu), 1e-12);
          for (let a = 0; a < p; a++) {
            gradient[a] = (gradient[a] ?? 0) + r * (row[a] ?? 0);
            for (let b = 0; b < p; b++) hessian[a * p + b] = (hessian[a * p + b] ?? 0) + h * (row[a] ?? 0) * (row[b] ?? 0);
          }
        }
        const step = solve(hessian, gradient, p);
        let size = 0;
        for (let j = 0; j < p; j++) {
          w[j] = (w[j] ?? 0) - (step[j] ?? 0);
          size += Math.abs(step[j] ?? 0);
        }
        if (size < 1e-10) break;
      }
      return {
        predictProba(Q: Float64Array, rows: number): Float64Array {
          const out = new Float64Array(rows);
          for (let i = 0; i < rows; i++) {
            fillRow(Q, i);
            let z = 0;
            for (let j = 0; j < p; j++) z += (w[j] ?? 0) * (row[j] ?? 0);
            out[i] = 1 / (1 + Math.exp(-z));
          }
          return out;
        },
      };
    },
  };
}
