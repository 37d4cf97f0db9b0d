/**
 * Regression errors, optionally weighted.
 */
import { checkLengths } from './check-inputs.js';

function weightedMean(metric: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights: ArrayLike<number> | undefined, f: (e: number) => number): number {
  checkLengths(metric, yTrue, yPred, weights);
  let s = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    s += w * f((yPred[i] as number) - (yTrue[i] as number));
    total += w;
  }
  if (total === 0) throw new RangeError(`${metric}: weights sum to zero`);
  return s / total;
}

/** Mean absolute error Σ wᵢ |ŷᵢ − yᵢ| / Σ wᵢ. */
export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: ArrayLike<number>): number {
  return weightedMean('meanAbsoluteError', yTrue, yPred, weights, Math.abs);
}

/** Mean squared error Σ wᵢ (ŷᵢ − yᵢ)² / Σ wᵢ. */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: ArrayLike<number>): number {
  return weightedMean('meanSquaredError', yTrue, yPred, weights, (e) => e * e);
}
