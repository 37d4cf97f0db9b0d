/** Eigen-decomposition A = V diag(values) Vᵀ of a symmetric matrix. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  /** Row-major p×p; column k is the unit eigenvector of values[k]. */
  readonly vectors: Float64Array;
}

/**
 * Cyclic Jacobi eigenvalue algorithm for a small dense symmetric matrix
 * (row-major p×p): repeated plane rotations annihilate off-diagonal entries
 * until their Frobenius norm is negligible. Quadratically convergent; meant for
 * p up to a few dozen (Gram matrices of standardised linear models).
 */
export function symmetricEigen(matrix: Float64Array, p: number): SymmetricEigen {
  if (matrix.length !== p * p) throw new RangeError(`symmetricEigen: expected ${p}×${p} entries, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  let scale = 0;
  for (const x of a) scale += x * x;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) off += (a[i * p + j] ?? 0) ** 2;
    if (off <= 1e-30 * scale || off === 0) break;
    for (let r = 0; r < p; r++) {
      for (let q = r + 1; q < p; q++) {
        const arq = a[r * p + q] ?? 0;
        if (arq === 0) continue;
        const theta = ((a[q * p + q] ?? 0) - (a[r * p + r] ?? 0)) / (2 * arq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const akr = a[k * p + r] ?? 0;
          const akq = a[k * p + q] ?? 0;
          a[k * p + r] = c * akr - s * akq;
          a[k * p + q] = s * akr + c * akq;
        }
        for (let k = 0; k < p; k++) {
          const ark = a[r * p + k] ?? 0;
          const aqk = a[q * p + k] ?? 0;
          a[r * p + k] = c * ark - s * aqk;
          a[q * p + k] = s * ark + c * aqk;
        }
        for (let k = 0; k < p; k++) {
          const vkr = v[k * p + r] ?? 0;
          const vkq = v[k * p + q] ?? 0;
          v[k * p + r] = c * vkr - s * vkq;
          v[k * p + q] = s * vkr + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(p);
  for (let i = 0; i < p; i++) values[i] = a[i * p + i] ?? 0;
  return { values, vectors: v };
}
