import { choleskySolve } from './least-squares.js';

/** A smooth convex function with gradient and Hessian. */
export interface SmoothConvexFunction {
  readonly dim: number;
  value(x: Float64Array): number;
  gradient(x: Float64Array): Float64Array;
  /** Row-major dim×dim. */
  hessian(x: Float64Array): Float64Array;
}

/** Minimiser of ½||x − z||² + μ·L(x) by damped Newton, started at `start`. */
function proximalPoint(f: SmoothConvexFunction, z: Float64Array, mu: number, start: Float64Array): Float64Array {
  const d = f.dim;
  const x = Float64Array.from(start);
  const objective = (v: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < d; k++) s += ((v[k] ?? 0) - (z[k] ?? 0)) ** 2;
    return 0.5 * s + mu * f.value(v);
  };
  let current = objective(x);
  for (let iter = 0; iter < 100; iter++) {
    const grad = f.gradient(x);
    const g = Float64Array.from(x, (v, k) => v - (z[k] ?? 0) + mu * (grad[k] ?? 0));
    let gmax = 0;
    for (const v of g) gmax = Math.max(gmax, Math.abs(v));
    if (gmax <= 1e-14 * (1 + mu)) break;
    const h = f.hessian(x);
    for (let k = 0; k < d; k++) {
      for (let j = 0; j < d; j++) h[k * d + j] = mu * (h[k * d + j] ?? 0) + (k === j ? 1 : 0);
    }
    const step = choleskySolve(h, g, d);
    let t = 1;
    for (;;) {
      const candidate = Float64Array.from(x, (v, k) => v - t * (step[k] ?? 0));
      const next = objective(candidate);
      if (next <= current + 1e-13 * Math.abs(current) || t < 1e-10) {
        x.set(candidate);
        current = next;
        break;
      }
      t *= 0.5;
    }
  }
  return x;
}

/**
 * Euclidean projection of z onto the sublevel set { x : L(x) ≤ level } of a
 * smooth convex L with minimiser `minimizer` (level ≥ L(minimizer)).
 * KKT: x − z + μ∇L(x) = 0, L(x) = level, μ ≥ 0 (μ is the multiplier of
 * ½||x − z||² + μ(L(x) − level)). For fixed μ, x(μ) is a
 * strongly convex proximal step (damped Newton); h(μ) = L(x(μ)) is decreasing
 * with h'(μ) = −∇Lᵀ(I + μ∇²L)⁻¹∇L, so μ is found by a bracketed Newton
 * iteration with bisection fallback. If level equals the minimum value the set
 * is {minimizer} (μ = ∞).
 */
export function projectOntoSublevelSet(
  f: SmoothConvexFunction,
  z: Float64Array,
  level: number,
  minimizer: Float64Array,
  warmStart = 0,
): { readonly point: Float64Array; readonly multiplier: number } {
  if (f.value(z) <= level) return { point: Float64Array.from(z), multiplier: 0 };
  const minimum = f.value(minimizer);
  if (level <= minimum) return { point: Float64Array.from(minimizer), multiplier: Infinity };
  const tol = 1e-13 * Math.max(1, Math.abs(level));
  let x: Float64Array = Float64Array.from(z);
  const evaluate = (mu: number): { x: Float64Array; h: number; slope: number } => {
    const point = proximalPoint(f, z, mu, x);
    const grad = f.gradient(point);
    const hess = f.hessian(point);
    const d = f.dim;
    for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) hess[k * d + j] = mu * (hess[k * d + j] ?? 0) + (k === j ? 1 : 0);
    const solved = choleskySolve(hess, grad, d);
    let slope = 0;
    for (let k = 0; k < d; k++) slope -= (grad[k] ?? 0) * (solved[k] ?? 0);
    return { x: point, h: f.value(point) - level, slope };
  };
  let lo = 0;
  let hi = warmStart > 0 ? warmStart : 1;
  let atHi = evaluate(hi);
  while (atHi.h > 0) {
    lo = hi;
    hi *= 4;
    x = atHi.x;
    atHi = evaluate(hi);
    if (hi > 1e300) break;
  }
  let mu = hi;
  let state = atHi;
  for (let iter = 0; iter < 200; iter++) {
    if (Math.abs(state.h) <= tol) break;
    if (state.h > 0) lo = mu;
    else hi = mu;
    let next = state.slope < 0 ? mu - state.h / state.slope : Number.NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (hi - lo <= 1e-15 * hi) break;
    mu = next;
    x = state.x;
    state = evaluate(mu);
  }
  return { point: state.x, multiplier: mu };
}
