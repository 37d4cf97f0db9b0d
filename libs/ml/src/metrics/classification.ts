/**
 * Threshold metrics for binary classification (positive class = 1), optionally weighted:
 * every count below is a sum of sample weights (1 each when unweighted).
 */
import { checkBinary, checkLengths } from './check-inputs.js';

/** Weighted 2×2 confusion matrix. */
export interface ConfusionMatrix {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/** Hard labels from P(y = 1): 1 when p > threshold (ties go to 0, as argmax over [1−p, p] does). */
export function labelsFromProba(p: ArrayLike<number>, threshold = 0.5): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = (p[i] as number) > threshold ? 1 : 0;
  return out;
}

/** Confusion matrix of 0/1 labels `yTrue` against 0/1 predictions `yPred`. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: ArrayLike<number>): ConfusionMatrix {
  checkLengths('confusionMatrix', yTrue, yPred, weights);
  checkBinary('confusionMatrix', 'yTrue', yTrue);
  checkBinary('confusionMatrix', 'yPred', yPred);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    if (yTrue[i] === 1) {
      if (yPred[i] === 1) tp += w;
      else fn += w;
    } else if (yPred[i] === 1) fp += w;
    else tn += w;
  }
  return { tp, fp, tn, fn };
}

/** Accuracy = (TP + TN) / total. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const { tp, fp, tn, fn } = confusionMatrix(yTrue, yPred, weights);
  const total = tp + fp + tn + fn;
  if (total === 0) throw new RangeError('accuracy: weights sum to zero');
  return (tp + tn) / total;
}

/** Precision = TP / (TP + FP); 0 when nothing is predicted positive (scikit-learn's zero_division=0). */
export function precision(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const { tp, fp } = confusionMatrix(yTrue, yPred, weights);
  return tp + fp === 0 ? 0 : tp / (tp + fp);
}

/** Recall (true-positive rate) = TP / (TP + FN); 0 when there are no positives. */
export function recall(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const { tp, fn } = confusionMatrix(yTrue, yPred, weights);
  return tp + fn === 0 ? 0 : tp / (tp + fn);
}

/** F1 = 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall; 0 when undefined. */
export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const { tp, fp, fn } = confusionMatrix(yTrue, yPred, weights);
  return 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}
