import { logBeta } from './log-gamma.js';

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_TERMS = 10_000;

/**
 * Continued fraction for the incomplete beta function (DLMF 8.17.22), evaluated
 * with the modified Lentz method. Converges quickly for x < (a+1)/(a+b+2).
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let c = 1;
  let f = d;
  for (let m = 1; m <= MAX_TERMS; m++) {
    const m2 = 2 * m;
    // even coefficient d_{2m}
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    f *= d * c;
    // odd coefficient d_{2m+1}
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) return f;
  }
  return f;
}

function checkShape(a: number, b: number, fn: string): void {
  if (!(a > 0) || !(b > 0) || !Number.isFinite(a) || !Number.isFinite(b)) {
    throw new RangeError(`${fn}: shape parameters must be finite and > 0, got a=${a}, b=${b}`);
  }
}

/**
 * Regularised incomplete beta function
 * I_x(a, b) = B(x; a, b) / B(a, b) = ∫₀ˣ t^{a−1}(1−t)^{b−1} dt / B(a, b),
 * i.e. the CDF of Beta(a, b) at x. Uses the continued fraction on whichever of
 * I_x(a,b) and 1 − I_{1−x}(b,a) converges fast.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  checkShape(a, b, 'regularizedIncompleteBeta');
  if (Number.isNaN(x)) throw new RangeError('regularizedIncompleteBeta: x is NaN');
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  }
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Density of Beta(a, b) at x ∈ (0, 1). */
function betaDensity(x: number, a: number, b: number): number {
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/**
 * Inverse of the regularised incomplete beta function: the x ∈ [0, 1] with
 * I_x(a, b) = p, i.e. the p-quantile of Beta(a, b) (`scipy.stats.beta.ppf`).
 *
 * Root finding is Newton's method safeguarded by a bracket: I_x is increasing
 * in x, so every evaluation shrinks [lo, hi]; a Newton step that leaves the
 * bracket or fails to halve the residual is replaced by bisection. This
 * converges for every (p, a, b), including the highly skewed shapes of
 * Clopper–Pearson bounds with large n.
 */
export function inverseRegularizedIncompleteBeta(p: number, a: number, b: number): number {
  checkShape(a, b, 'inverseRegularizedIncompleteBeta');
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`inverseRegularizedIncompleteBeta: p must be in [0, 1], got ${p}`);
  }
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  let previousResidual = Infinity;
  for (let iter = 0; iter < 400; iter++) {
    const residual = regularizedIncompleteBeta(x, a, b) - p;
    if (residual === 0) return x;
    if (residual < 0) lo = x;
    else hi = x;
    const density = betaDensity(x, a, b);
    let next = x - residual / density;
    const newtonOk =
      Number.isFinite(next) && next > lo && next < hi && Math.abs(residual) <= 0.5 * previousResidual;
    if (!newtonOk) next = 0.5 * (lo + hi);
    previousResidual = Math.abs(residual);
    if (Math.abs(next - x) <= 4 * Number.EPSILON * Math.max(x, next) || hi - lo <= Number.MIN_VALUE) {
      return next;
    }
    x = next;
  }
  return x;
}
