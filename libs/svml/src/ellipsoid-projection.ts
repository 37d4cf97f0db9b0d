import { symmetricEigen } from './symmetric-eigen.js';

/**
 * The ellipsoid E = { x : (x − c)ᵀ Q (x − c) ≤ r } with Q symmetric PSD,
 * stored with Q's eigen-decomposition for fast exact projection.
 */
export interface Ellipsoid {
  readonly p: number;
  readonly center: Float64Array;
  readonly radius: number;
  /** Q, row-major p×p. */
  readonly shape: Float64Array;
  readonly eigenvalues: Float64Array;
  /** Row-major p×p, eigenvectors in columns. */
  readonly eigenvectors: Float64Array;
}

/** Builds an {@link Ellipsoid}; negative eigenvalues from rounding are clamped to 0. */
export function ellipsoid(center: Float64Array, shape: Float64Array, radius: number): Ellipsoid {
  const p = center.length;
  if (!(radius >= 0)) throw new RangeError(`ellipsoid: radius must be ≥ 0, got ${radius}`);
  const { values, vectors } = symmetricEigen(shape, p);
  for (let i = 0; i < p; i++) values[i] = Math.max(0, values[i] ?? 0);
  return { p, center, radius, shape, eigenvalues: values, eigenvectors: vectors };
}

/** (x − c)ᵀ Q (x − c) − r: ≤ 0 inside the ellipsoid. */
export function ellipsoidConstraint(e: Ellipsoid, x: ArrayLike<number>): number {
  const { p, center, shape } = e;
  let s = 0;
  for (let a = 0; a < p; a++) {
    const da = (x[a] ?? 0) - (center[a] ?? 0);
    let row = 0;
    for (let b = 0; b < p; b++) row += (shape[a * p + b] ?? 0) * ((x[b] ?? 0) - (center[b] ?? 0));
    s += da * row;
  }
  return s - e.radius;
}

/** Euclidean projection onto an ellipsoid and the KKT multiplier of its constraint. */
export interface EllipsoidProjection {
  readonly point: Float64Array;
  /** μ ≥ 0 with x = argmin ||x − z||² + μ((x − c)ᵀQ(x − c) − r); Infinity for a degenerate (r = 0) ellipsoid. */
  readonly multiplier: number;
}

/**
 * Exact Euclidean projection of z onto E = {(x − c)ᵀQ(x − c) ≤ r}.
 * KKT: x − z + μQ(x − c) = 0, so x − c = (I + μQ)⁻¹(z − c). In Q's eigenbasis
 * (w = Vᵀ(z − c)) the constraint becomes φ(μ) = Σ λ_i w_i² / (1 + μλ_i)² = r;
 * φ is strictly decreasing on μ ≥ 0 where it matters, so the multiplier is found
 * by a bracketed, safeguarded Newton iteration. z inside E returns z (μ = 0).
 * `warmStart` (a previous μ) speeds up repeated projections of nearby points.
 */
export function projectOntoEllipsoid(e: Ellipsoid, z: ArrayLike<number>, warmStart = 0): EllipsoidProjection {
  const { p, center, eigenvalues: lambda, eigenvectors: vec, radius } = e;
  const w = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    let s = 0;
    for (let a = 0; a < p; a++) s += (vec[a * p + k] ?? 0) * ((z[a] ?? 0) - (center[a] ?? 0));
    w[k] = s;
  }
  const phi = (mu: number): number => {
    let s = 0;
    for (let k = 0; k < p; k++) {
      const l = lambda[k] ?? 0;
      const q = 1 + mu * l;
      s += (l * (w[k] ?? 0) ** 2) / (q * q);
    }
    return s;
  };
  const build = (scaleOf: (k: number) => number): Float64Array => {
    const x = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      let s = center[a] ?? 0;
      for (let k = 0; k < p; k++) s += (vec[a * p + k] ?? 0) * (w[k] ?? 0) * scaleOf(k);
      x[a] = s;
    }
    return x;
  };
  if (phi(0) <= radius) {
    const point = new Float64Array(p);
    for (let a = 0; a < p; a++) point[a] = z[a] ?? 0;
    return { point, multiplier: 0 };
  }
  if (radius === 0) {
    // Degenerate: keep only the directions Q does not constrain.
    return { point: build((k) => ((lambda[k] ?? 0) > 0 ? 0 : 1)), multiplier: Infinity };
  }
  let lo = 0;
  let hi = warmStart > 0 ? warmStart : 1;
  while (phi(hi) > radius) {
    lo = hi;
    hi *= 2;
  }
  let mu = warmStart > lo && warmStart <= hi ? warmStart : 0.5 * (lo + hi);
  for (let iter = 0; iter < 200; iter++) {
    let value = -radius;
    let slope = 0;
    for (let k = 0; k < p; k++) {
      const l = lambda[k] ?? 0;
      const q = 1 + mu * l;
      const t = (l * (w[k] ?? 0) ** 2) / (q * q);
      value += t;
      slope -= (2 * l * t) / q;
    }
    if (value > 0) lo = mu;
    else hi = mu;
    let next = slope < 0 ? mu - value / slope : Number.NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - mu) <= 1e-15 * mu || hi - lo <= 1e-15 * hi) {
      mu = next;
      break;
    }
    mu = next;
  }
  return { point: build((k) => 1 / (1 + mu * (lambda[k] ?? 0))), multiplier: mu };
}
