import { regularizedIncompleteBeta } from './incomplete-beta.js';

/**
 * Binomial CDF P(X ≤ k) for X ~ Bin(n, p), via the identity
 * P(X ≤ k) = I_{1−p}(n − k, k + 1) (DLMF 8.17.5) for 0 ≤ k < n.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomialCdf: n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialCdf: p must be in [0, 1], got ${p}`);
  if (k < 0) return 0;
  const kk = Math.floor(k);
  if (kk >= n) return 1;
  return regularizedIncompleteBeta(1 - p, n - kk, kk + 1);
}
