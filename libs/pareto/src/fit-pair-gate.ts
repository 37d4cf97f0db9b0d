import {
  type FeatureSpec,
  type ModelParams,
  type Pipeline,
  Preprocessor,
  type PreprocessorOptions,
  Rng,
  type Table,
  labelsFromProba,
  takeRows,
} from '@ratchet/ml';
import { flipReport, type FlipReport } from './flip-report.js';
import { calibrateKnnGate, fitKnnGate } from './knn-gate.js';
import { calibrateMetaGate, fitMetaGate } from './meta-gate.js';
import type { CalibrationOptions, ThresholdCalibration } from './threshold-calibration.js';
import { type PairGate, mlBinaryTrainer, pipelineInputs, pipelineProba, predictGatedPair, twoClassProba, unionInputs } from './gated-pair.js';

/** A raw table with its 0/1 labels. */
export interface LabelledTable {
  readonly table: Table;
  readonly y: Float64Array;
}

/** Options for {@link fitPairGate}. */
export interface PairGateOptions extends CalibrationOptions {
  readonly kind: 'knn' | 'meta';
  /** Raw columns the gate reads; default the union of A's and B's inputs. */
  readonly features?: readonly FeatureSpec[];
  /** Encoding of those columns (default: mean imputation, standardised, missing-category indicator). */
  readonly preprocess?: PreprocessorOptions;
  /** kNN: neighbours per query (default 15). */
  readonly k?: number;
  /** kNN: at most this many reference rows, a seeded subsample (default all). Bounds graph size and latency. */
  readonly maxReference?: number;
  /** Meta gate: model kind and params from ml's trainers (default logistic regression, l2 = 1). */
  readonly metaModel?: { readonly kind: string; readonly params?: ModelParams };
  /** Threshold of the meta gate before calibration (default 0.5). */
  readonly metaThreshold?: number;
  readonly seed?: number;
}

/** A fitted, calibrated gate with the calibration evidence. */
export interface FittedPairGate {
  readonly gate: PairGate;
  readonly calibration: ThresholdCalibration;
  /** Gated system vs A on the calibration split. */
  readonly report: FlipReport;
}

/**
 * Fits a routing gate for the pair (A, B) on `fit` (kNN reference points, or the meta
 * model's training rows — only A/B disagreements are used) and calibrates its threshold on
 * the disjoint `calibration` split to the regression budget (`calibrateThreshold`:
 * Clopper–Pearson bound, fixed-sequence testing). Both splits must be held out from A's and
 * B's training rows, or the correctness they record is optimistic and the budget does not
 * carry over to new traffic.
 */
export function fitPairGate(a: Pipeline, b: Pipeline, fit: LabelledTable, calibration: LabelledTable, options: PairGateOptions): FittedPairGate {
  const { kind, budget = 0, confidence = 0.95, seed = 0 } = options;
  const specs = options.features ?? unionInputs(pipelineInputs(a), pipelineInputs(b));
  const features = Preprocessor.fit(fit.table, specs, options.preprocess ?? {});
  const calibrationOptions = { budget, confidence };
  const scores = (t: LabelledTable) => {
    const probaA = pipelineProba(a, t.table, 'A');
    const probaB = pipelineProba(b, t.table, 'B');
    return { probaA, probaB, predA: labelsFromProba(probaA), predB: labelsFromProba(probaB), X: features.transform(t.table) };
  };
  if (kind === 'knn') {
    let ref = fit;
    if (options.maxReference !== undefined && fit.table.nRows > options.maxReference) {
      const rows = new Rng(seed).permutation(fit.table.nRows).slice(0, options.maxReference).sort();
      ref = { table: takeRows(fit.table, rows), y: Float64Array.from(rows, (i) => fit.y[i] as number) };
    }
    const r = scores(ref);
    const knn = fitKnnGate(
      { features: r.X, dim: features.nFeatures, y: ref.y, predA: r.predA, predB: r.predB },
      { k: Math.min(options.k ?? 15, ref.table.nRows) },
    );
    const c = scores(calibration);
    const calibrated = calibrateKnnGate(knn, { features: c.X, y: calibration.y, predA: c.predA, predB: c.predB }, calibrationOptions);
    return { gate: { kind: 'knn', features, gate: calibrated.gate }, calibration: calibrated.calibration, report: calibrated.report };
  }
  const meta = options.metaModel ?? { kind: 'logistic-regression', params: { l2: 1 } };
  const f = scores(fit);
  const gate = fitMetaGate(
    mlBinaryTrainer(meta.kind, meta.params ?? {}, seed),
    { features: f.X, featureDim: features.nFeatures, scoresA: f.probaA, scoresB: f.probaB, predA: f.predA, predB: f.predB, y: fit.y },
    { threshold: options.metaThreshold ?? 0.5 },
  );
  const c = scores(calibration);
  const calibrated = calibrateMetaGate(
    gate,
    { features: c.X, featureDim: features.nFeatures, scoresA: c.probaA, scoresB: c.probaB, predA: c.predA, predB: c.predB, y: calibration.y },
    calibrationOptions,
  );
  return { gate: { kind: 'meta', features, gate: calibrated.gate }, calibration: calibrated.calibration, report: calibrated.report };
}

/** Flip reports of a gated pair on a labelled set. */
export interface GatedPairEvaluation {
  /** B alone vs A. */
  readonly candidate: FlipReport;
  /** The gated system vs A. */
  readonly gated: FlipReport;
  /** Rows the gate sent to B. */
  readonly routed: number;
}

/** Evaluates A, B and the gated pair on `test` (flip reports against A, with probabilities). */
export function evaluateGatedPair(
  a: Pipeline,
  b: Pipeline,
  gate: PairGate,
  test: LabelledTable,
  { confidence = 0.95 }: Pick<CalibrationOptions, 'confidence'> = {},
): GatedPairEvaluation {
  const p = predictGatedPair(a, b, gate, test.table);
  const two = twoClassProba;
  let routed = 0;
  for (let i = 0; i < p.arm.length; i++) routed += p.arm[i] as number;
  return {
    candidate: flipReport(test.y, p.predA, p.predB, { confidence, probaA: two(p.probaA), probaB: two(p.probaB) }),
    gated: flipReport(test.y, p.predA, p.label, { confidence, probaA: two(p.probaA), probaB: two(p.proba) }),
    routed,
  };
}
