import { describe, it, expect } from 'vitest';
import { accuracy, confusionMatrix, f1Score, labelsFromProba, precision, recall } from './classification.js';
import { brierScore, logLoss } from './log-loss.js';
import { meanAbsoluteError, meanSquaredError } from './regression.js';
import { rocAuc } from './roc-auc.js';

// Reference values: scikit-learn 1.9.1 (sklearn.metrics.accuracy_score, precision_score,
// recall_score, f1_score, roc_auc_score, log_loss, brier_score_loss, mean_absolute_error,
// mean_squared_error, confusion_matrix) on exactly these arrays, hard labels = s > 0.5.
const y = Float64Array.from([1, 0, 1, 1, 0, 0, 1, 0, 1, 0]);
const s = Float64Array.from([0.9, 0.8, 0.8, 0.6, 0.55, 0.4, 0.4, 0.2, 0.1, 0.1]);
const w = Float64Array.from([1, 2, 1, 0.5, 1, 3, 1, 1, 2, 0.5]);
const yHat = labelsFromProba(s);

describe('classification metrics', () => {
  it('match scikit-learn without weights', () => {
    expect(confusionMatrix(y, yHat)).toEqual({ tn: 3, fp: 2, fn: 2, tp: 3 });
    expect(accuracy(y, yHat)).toBeCloseTo(0.6, 15);
    expect(precision(y, yHat)).toBeCloseTo(0.6, 15);
    expect(recall(y, yHat)).toBeCloseTo(0.6, 15);
    expect(f1Score(y, yHat)).toBeCloseTo(0.6, 15);
  });

  it('match scikit-learn with sample weights', () => {
    expect(confusionMatrix(y, yHat, w)).toEqual({ tn: 4.5, fp: 3, fn: 3, tp: 2.5 });
    expect(accuracy(y, yHat, w)).toBeCloseTo(0.5384615384615384, 15);
    expect(precision(y, yHat, w)).toBeCloseTo(0.45454545454545453, 15);
    expect(recall(y, yHat, w)).toBeCloseTo(0.45454545454545453, 15);
    expect(f1Score(y, yHat, w)).toBeCloseTo(0.45454545454545453, 15);
  });

  it('return 0 for precision and F1 when nothing is predicted positive', () => {
    const none = new Float64Array(10);
    expect(precision(y, none)).toBe(0);
    expect(f1Score(y, none)).toBe(0);
    expect(recall(y, none)).toBe(0);
  });

  it('label p = threshold as negative, like argmax', () => {
    expect(Array.from(labelsFromProba([0.5, 0.50001, 0.2]))).toEqual([0, 1, 0]);
  });

  it('reject non-binary labels and mismatched lengths', () => {
    expect(() => accuracy([0, 2], [0, 1])).toThrow(/yTrue\[1\] = 2/);
    expect(() => accuracy([0, 1], [0])).toThrow(/2 labels but 1 predictions/);
  });
});

describe('rocAuc', () => {
  it('counts ties as half (hand count: 16.5 of 25 pairs) and matches scikit-learn', () => {
    expect(rocAuc(y, s)).toBeCloseTo(16.5 / 25, 14);
  });

  it('matches scikit-learn with sample weights', () => {
    expect(rocAuc(y, s, w)).toBeCloseTo(0.49090909090909085, 14);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one and 0.5 for constant scores', () => {
    const labels = [0, 0, 1, 1];
    expect(rocAuc(labels, [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(rocAuc(labels, [0.4, 0.3, 0.2, 0.1])).toBe(0);
    expect(rocAuc(labels, [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('throws when one class is absent', () => {
    expect(() => rocAuc([1, 1], [0.2, 0.3])).toThrow(/both positive and negative/);
  });
});

describe('probability and regression losses', () => {
  it('match scikit-learn log loss and Brier score', () => {
    expect(logLoss(y, s)).toBeCloseTo(0.7305480814996126, 14);
    expect(logLoss(y, s, w)).toBeCloseTo(0.9177739998649496, 14);
    expect(brierScore(y, s)).toBeCloseTo(0.25325, 14);
    expect(brierScore(y, s, w)).toBeCloseTo(0.3244230769230769, 14);
  });

  it('clips probabilities so a confident miss costs log(1/eps)', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 10);
    expect(logLoss([0], [1], undefined, 1e-7)).toBeCloseTo(-Math.log(1e-7), 6);
  });

  it('match scikit-learn MAE and MSE', () => {
    expect(meanAbsoluteError(y, s)).toBeCloseTo(0.425, 14);
    expect(meanAbsoluteError(y, s, w)).toBeCloseTo(0.5, 14);
    expect(meanSquaredError(y, s)).toBeCloseTo(0.25325, 14);
    expect(meanSquaredError(y, s, w)).toBeCloseTo(0.3244230769230769, 14);
  });
});
