import { proportions } from './psi.js';

/**
 * Jensen–Shannon distance in base 2, in [0, 1]:
 * JS(P‖Q) = sqrt(½ KL(P‖M) + ½ KL(Q‖M)), M = (P + Q)/2, KL in bits; 0·log 0 = 0, so no
 * smoothing is needed (same value as scipy.spatial.distance.jensenshannon(p, q, base=2)).
 */
export function jensenShannonDistance(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const [p, q] = proportions(reference, current);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number;
    const b = q[i] as number;
    const m = (a + b) / 2;
    if (a > 0) divergence += 0.5 * a * Math.log2(a / m);
    if (b > 0) divergence += 0.5 * b * Math.log2(b / m);
  }
  return Math.sqrt(Math.min(1, Math.max(0, divergence)));
}
