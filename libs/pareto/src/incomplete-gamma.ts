import { logGamma } from './log-gamma.js';

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_TERMS = 10_000;

/**
 * Regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a)
 * (DLMF 8.2.4). Series for P = 1 − Q when x < a + 1, Lentz continued fraction
 * (DLMF 8.9.2) for Q otherwise.
 */
export function regularizedUpperGamma(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`regularizedUpperGamma: a must be > 0, got ${a}`);
  if (Number.isNaN(x)) throw new RangeError('regularizedUpperGamma: x is NaN');
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const logFront = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= MAX_TERMS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(logFront);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let f = d;
  for (let i = 1; i <= MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logFront) * f;
}

/** Survival function of the χ² distribution with `df` degrees of freedom: Q(df/2, x/2). */
export function chiSquareSurvival(x: number, df: number): number {
  return regularizedUpperGamma(df / 2, x / 2);
}
