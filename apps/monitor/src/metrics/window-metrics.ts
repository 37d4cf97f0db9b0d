import { accuracy, f1Score, logLoss, meanAbsoluteError, precision, recall, rocAuc } from '@ratchet/ml';
import type { LabeledBuffer } from './labeled-buffer.js';

/** Metric name → value; a metric undefined for a window (ROC-AUC with one class) is absent. */
export type MetricValues = Record<string, number>;

function isBinary(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && values[i] !== 1) return false;
  return true;
}

/**
 * Quality metrics of the rows in a buffer, with the `@ratchet/ml` implementations: accuracy,
 * precision, recall, F1 (binary labels and predictions, positive class 1), ROC-AUC (both
 * classes present), log loss (probabilities present), and MAE of the label against the
 * probability (or the predicted value for a regression model). Multi-class labels get accuracy
 * as the share of exact matches.
 */
export function windowMetrics(buffer: LabeledBuffer): MetricValues {
  const n = buffer.size;
  if (n === 0) return {};
  const y = buffer.y.subarray(0, n);
  const yhat = buffer.predicted.subarray(0, n);
  const p = buffer.probability.subarray(0, n);
  let hasProbability = true;
  for (let i = 0; i < n && hasProbability; i++) if (!((p[i] as number) >= 0 && (p[i] as number) <= 1)) hasProbability = false;
  const out: MetricValues = {};
  if (isBinary(y) && isBinary(yhat)) {
    out['accuracy'] = accuracy(y, yhat);
    out['precision'] = precision(y, yhat);
    out['recall'] = recall(y, yhat);
    out['f1'] = f1Score(y, yhat);
    if (hasProbability) {
      let positives = 0;
      for (let i = 0; i < n; i++) positives += y[i] as number;
      if (positives > 0 && positives < n) out['roc_auc'] = rocAuc(y, p);
      out['log_loss'] = logLoss(y, p);
    }
  } else {
    let same = 0;
    for (let i = 0; i < n; i++) if (y[i] === yhat[i]) same++;
    out['accuracy'] = same / n;
  }
  out['mae'] = meanAbsoluteError(y, hasProbability ? p : yhat);
  return out;
}

/** The q-quantile (0..1) of ascending values, by linear interpolation (numpy's default). */
export function quantileOfSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}
