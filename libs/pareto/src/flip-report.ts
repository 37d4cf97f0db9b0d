import { clopperPearsonUpper } from './clopper-pearson.js';
import { correctness, type LabelArray } from './correctness.js';
import { mcnemarTest, type McNemarOptions, type McNemarResult } from './mcnemar.js';

/** Probability-based scores of both models, present when probabilities were given. */
export interface ProbabilisticScores {
  /** Mean −ln p(y_i) with p clipped to [1e-15, 1]. */
  readonly logLossA: number;
  readonly logLossB: number;
  /** Multi-class Brier score: mean Σ_c (p_ic − 1[y_i = c])². */
  readonly brierA: number;
  readonly brierB: number;
}

/** Flip report of candidate B against production A on one labelled set. */
export interface FlipReport {
  readonly n: number;
  readonly accuracyA: number;
  readonly accuracyB: number;
  /** #(A right ∧ B wrong): negative flips. */
  readonly regressions: number;
  /** #(A wrong ∧ B right): positive flips. */
  readonly gains: number;
  /** #(B wrong). */
  readonly errorsB: number;
  /** Negative flip rate, regressions / N (Yan et al. 2021, "Positive-congruent training", CVPR). */
  readonly nfr: number;
  /**
   * Negative flip impact, regressions / #(B wrong): the share of B's errors that
   * are new, i.e. that A got right (0 when B makes no errors). Equals
   * NFR / errorRate(B). This is Ratchet's definition, in the spirit of the
   * backward-compatibility metrics of Träuble et al. 2021 (NeurIPS, "Backward-
   * compatible prediction updates") and Sakai 2022; check those papers before
   * comparing numbers with them.
   */
  readonly nfi: number;
  /** Positive flip rate, gains / N. */
  readonly gainRate: number;
  /** McNemar's test on (b, c) = (regressions, gains). */
  readonly mcnemar: McNemarResult;
  /** Confidence level used for {@link regressionUpperBound}. */
  readonly confidence: number;
  /** One-sided Clopper–Pearson upper bound on the regression rate at `confidence`. */
  readonly regressionUpperBound: number;
  readonly probabilistic?: ProbabilisticScores;
}

/** Options for {@link flipReport}. */
export interface FlipReportOptions {
  /** Confidence of the regression-rate upper bound (default 0.95). */
  readonly confidence?: number;
  /** Row-major N×C class probabilities of A (labels must be class indices 0..C−1). */
  readonly probaA?: Float64Array;
  /** Row-major N×C class probabilities of B. */
  readonly probaB?: Float64Array;
  readonly mcnemar?: McNemarOptions;
}

/**
 * Flip report from per-example correctness of A and B (1 = right). This is the
 * core the label-based {@link flipReport} and gate calibration share.
 */
export function flipReportFromCorrectness(
  correctA: Uint8Array,
  correctB: Uint8Array,
  { confidence = 0.95, mcnemar = {} }: Pick<FlipReportOptions, 'confidence' | 'mcnemar'> = {},
): FlipReport {
  const n = correctA.length;
  if (correctB.length !== n) {
    throw new RangeError(`flipReport: A has ${n} examples but B has ${correctB.length}`);
  }
  if (n === 0) throw new RangeError('flipReport: empty evaluation set');
  let rightA = 0;
  let rightB = 0;
  let regressions = 0;
  let gains = 0;
  for (let i = 0; i < n; i++) {
    const a = correctA[i] === 1;
    const b = correctB[i] === 1;
    if (a) rightA++;
    if (b) rightB++;
    if (a && !b) regressions++;
    else if (!a && b) gains++;
  }
  const errorsB = n - rightB;
  return {
    n,
    accuracyA: rightA / n,
    accuracyB: rightB / n,
    regressions,
    gains,
    errorsB,
    nfr: regressions / n,
    nfi: errorsB === 0 ? 0 : regressions / errorsB,
    gainRate: gains / n,
    mcnemar: mcnemarTest(regressions, gains, mcnemar),
    confidence,
    regressionUpperBound: clopperPearsonUpper(regressions, n, confidence),
  };
}

function probabilisticScores(y: LabelArray, proba: Float64Array, name: string): { logLoss: number; brier: number } {
  const n = y.length;
  if (proba.length % n !== 0 || proba.length === 0) {
    throw new RangeError(`flipReport: ${name} has ${proba.length} values, not a multiple of N=${n}`);
  }
  const classes = proba.length / n;
  let logLoss = 0;
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const label = y[i] ?? -1;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`flipReport: label ${label} at row ${i} is not a class index in [0, ${classes})`);
    }
    for (let c = 0; c < classes; c++) {
      const p = proba[i * classes + c] ?? 0;
      const target = c === label ? 1 : 0;
      brier += (p - target) * (p - target);
      if (target === 1) logLoss -= Math.log(Math.min(1, Math.max(1e-15, p)));
    }
  }
  return { logLoss: logLoss / n, brier: brier / n };
}

/**
 * Flip report of candidate B against production A (ARCHITECTURE "Pareto-safe"):
 * N, accuracies, regressions = #(A right ∧ B wrong), gains = #(A wrong ∧ B right),
 * NFR = regressions / N (Yan et al. 2021), NFI = regressions / #(B wrong),
 * McNemar's test on (regressions, gains) and the one-sided Clopper–Pearson
 * upper bound on the regression rate. With probabilities, adds log-loss and Brier.
 */
export function flipReport(
  y: LabelArray,
  predA: LabelArray,
  predB: LabelArray,
  options: FlipReportOptions = {},
): FlipReport {
  if (predA.length !== y.length || predB.length !== y.length) {
    throw new RangeError(
      `flipReport: length mismatch (y ${y.length}, predA ${predA.length}, predB ${predB.length})`,
    );
  }
  const report = flipReportFromCorrectness(correctness(y, predA), correctness(y, predB), options);
  const { probaA, probaB } = options;
  if (probaA === undefined && probaB === undefined) return report;
  if (probaA === undefined || probaB === undefined) {
    throw new RangeError('flipReport: give probabilities for both A and B, or for neither');
  }
  const a = probabilisticScores(y, probaA, 'probaA');
  const b = probabilisticScores(y, probaB, 'probaB');
  return { ...report, probabilistic: { logLossA: a.logLoss, logLossB: b.logLoss, brierA: a.brier, brierB: b.brier } };
}
