/**
 * Binary cross-entropy (log loss), optionally weighted:
 *   L = −Σ wᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] / Σ wᵢ,
 * with pᵢ clipped to [ε, 1 − ε] so a confident miss costs log(1/ε) instead of ∞.
 */
import { checkBinary, checkLengths } from './check-inputs.js';

/** Mean log loss of P(y = 1) predictions. `eps` defaults to 1e-15. */
export function logLoss(yTrue: ArrayLike<number>, p: ArrayLike<number>, weights?: ArrayLike<number>, eps = 1e-15): number {
  checkLengths('logLoss', yTrue, p, weights);
  checkBinary('logLoss', 'yTrue', yTrue);
  let loss = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    const pi = Math.min(Math.max(p[i] as number, eps), 1 - eps);
    if (Number.isNaN(pi)) throw new RangeError(`logLoss: probability NaN at row ${i}`);
    loss -= w * (yTrue[i] === 1 ? Math.log(pi) : Math.log1p(-pi));
    total += w;
  }
  if (total === 0) throw new RangeError('logLoss: weights sum to zero');
  return loss / total;
}

/** Brier score Σ wᵢ (pᵢ − yᵢ)² / Σ wᵢ (Brier 1950). */
export function brierScore(yTrue: ArrayLike<number>, p: ArrayLike<number>, weights?: ArrayLike<number>): number {
  checkLengths('brierScore', yTrue, p, weights);
  checkBinary('brierScore', 'yTrue', yTrue);
  let s = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    s += w * ((p[i] as number) - (yTrue[i] as number)) ** 2;
    total += w;
  }
  if (total === 0) throw new RangeError('brierScore: weights sum to zero');
  return s / total;
}
