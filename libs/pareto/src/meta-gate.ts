import { correctness, type LabelArray } from './correctness.js';
import {
  calibrateThreshold,
  gatedReport,
  routeByThreshold,
  type CalibratedGate,
  type CalibrationOptions,
} from './threshold-calibration.js';

/** A fitted binary classifier returning P(y = 1) per row of a row-major matrix. */
export interface BinaryProbabilityModel {
  predictProba(X: Float64Array, n: number): Float64Array;
}

/**
 * Any binary learner (logistic regression, GBDT, MLP from `@ratchet/ml`):
 * X is row-major with y.length rows, y ∈ {0, 1}, optional sample weights.
 */
export interface BinaryTrainer<M extends BinaryProbabilityModel = BinaryProbabilityModel> {
  fit(X: Float64Array, y: Uint8Array, weights?: Float64Array): M;
}

/** JSON-serialisable part of a meta gate; the model stays opaque. */
export interface MetaGateConfig {
  readonly kind: 'meta';
  /** Number of raw design features. */
  readonly featureDim: number;
  /** Number of score columns of A and of B (e.g. 1 for P(class 1), C for full probabilities). */
  readonly scoreDimA: number;
  readonly scoreDimB: number;
  /** Route to B iff P(B right | disagreement) > threshold. */
  readonly threshold: number;
  /** False when calibration found no feasible threshold: the gate routes nothing. */
  readonly active: boolean;
}

/**
 * Meta-classifier gate: on examples where A and B predict different labels, a
 * model estimates P(B right | x, scores_A, scores_B, disagreement) and the
 * example goes to B when that exceeds the threshold. Where A and B agree the
 * route is irrelevant and the gate keeps A.
 */
export interface MetaGate<M extends BinaryProbabilityModel = BinaryProbabilityModel> {
  readonly config: MetaGateConfig;
  readonly model: M;
}

/** Inputs of a meta gate for n examples. */
export interface MetaGateInputs {
  /** Raw design features, row-major n×featureDim. */
  readonly features: Float64Array;
  /** Scores of A, row-major n×scoreDimA. */
  readonly scoresA: Float64Array;
  /** Scores of B, row-major n×scoreDimB. */
  readonly scoresB: Float64Array;
  readonly predA: LabelArray;
  readonly predB: LabelArray;
}

/** Labelled inputs for training or calibrating a meta gate. */
export interface MetaGateData extends MetaGateInputs {
  readonly y: LabelArray;
  readonly featureDim: number;
  /** Optional weights per example (only those of disagreements are used). */
  readonly weights?: Float64Array;
}

interface Shapes {
  readonly n: number;
  readonly featureDim: number;
  readonly scoreDimA: number;
  readonly scoreDimB: number;
}

function shapes(inputs: MetaGateInputs, featureDim: number): Shapes {
  const n = inputs.predA.length;
  if (inputs.predB.length !== n) throw new RangeError(`meta gate: predA has ${n} rows, predB ${inputs.predB.length}`);
  if (n === 0) throw new RangeError('meta gate: no examples');
  if (inputs.features.length !== n * featureDim) {
    throw new RangeError(`meta gate: features have ${inputs.features.length} values, expected ${n}×${featureDim}`);
  }
  if (inputs.scoresA.length % n !== 0 || inputs.scoresB.length % n !== 0) {
    throw new RangeError('meta gate: score arrays are not a multiple of the number of rows');
  }
  return { n, featureDim, scoreDimA: inputs.scoresA.length / n, scoreDimB: inputs.scoresB.length / n };
}

/** Row-major rows [x_i, scoresA_i, scoresB_i] for the given row indices. */
function metaFeatureRows(inputs: MetaGateInputs, s: Shapes, rows: ArrayLike<number>): Float64Array {
  const width = s.featureDim + s.scoreDimA + s.scoreDimB;
  const out = new Float64Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] ?? 0;
    const base = r * width;
    out.set(inputs.features.subarray(i * s.featureDim, (i + 1) * s.featureDim), base);
    out.set(inputs.scoresA.subarray(i * s.scoreDimA, (i + 1) * s.scoreDimA), base + s.featureDim);
    out.set(inputs.scoresB.subarray(i * s.scoreDimB, (i + 1) * s.scoreDimB), base + s.featureDim + s.scoreDimA);
  }
  return out;
}

function disagreements(predA: LabelArray, predB: LabelArray): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < predA.length; i++) if (predA[i] !== predB[i]) rows.push(i);
  return Int32Array.from(rows);
}

/**
 * Trains the meta gate on the disagreements of a training split:
 * features [x, scores_A, scores_B], target 1[B right]. Throws when A and B never
 * disagree (nothing to learn; not retriable with the same data).
 */
export function fitMetaGate<M extends BinaryProbabilityModel>(
  trainer: BinaryTrainer<M>,
  data: MetaGateData,
  { threshold = 0.5 }: { readonly threshold?: number } = {},
): MetaGate<M> {
  const s = shapes(data, data.featureDim);
  if (data.y.length !== s.n) throw new RangeError(`fitMetaGate: ${s.n} rows but ${data.y.length} labels`);
  const rows = disagreements(data.predA, data.predB);
  if (rows.length === 0) throw new RangeError('fitMetaGate: A and B never disagree on the training split');
  const X = metaFeatureRows(data, s, rows);
  const target = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] ?? 0;
    target[r] = data.predB[i] === data.y[i] ? 1 : 0;
  }
  let weights: Float64Array | undefined;
  if (data.weights !== undefined) {
    if (data.weights.length !== s.n) throw new RangeError(`fitMetaGate: ${data.weights.length} weights for ${s.n} rows`);
    const w = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) w[r] = data.weights[rows[r] ?? 0] ?? 0;
    weights = w;
  }
  const model = trainer.fit(X, target, weights);
  return {
    config: {
      kind: 'meta',
      featureDim: s.featureDim,
      scoreDimA: s.scoreDimA,
      scoreDimB: s.scoreDimB,
      threshold,
      active: true,
    },
    model,
  };
}

/**
 * P(B right | disagreement) for rows where A and B disagree; −∞ where they agree
 * (such rows are never routed, and routing them would change nothing).
 */
export function metaGateScores(gate: MetaGate, inputs: MetaGateInputs): Float64Array {
  const s = shapes(inputs, gate.config.featureDim);
  if (s.scoreDimA !== gate.config.scoreDimA || s.scoreDimB !== gate.config.scoreDimB) {
    throw new RangeError(
      `metaGateScores: score widths ${s.scoreDimA}/${s.scoreDimB} differ from the gate's ` +
        `${gate.config.scoreDimA}/${gate.config.scoreDimB}`,
    );
  }
  const out = new Float64Array(s.n).fill(Number.NEGATIVE_INFINITY);
  const rows = disagreements(inputs.predA, inputs.predB);
  if (rows.length === 0) return out;
  const p = gate.model.predictProba(metaFeatureRows(inputs, s, rows), rows.length);
  if (p.length !== rows.length) {
    throw new RangeError(`metaGateScores: model returned ${p.length} probabilities for ${rows.length} rows`);
  }
  for (let r = 0; r < rows.length; r++) out[rows[r] ?? 0] = p[r] ?? 0;
  return out;
}

/** Routing decision 1[active ∧ predA ≠ predB ∧ P(B right | ·) > threshold]. */
export function metaGateRoute(gate: MetaGate, inputs: MetaGateInputs): Uint8Array {
  return routeByThreshold(metaGateScores(gate, inputs), gate.config.threshold, gate.config.active);
}

/**
 * Calibrates the meta-gate threshold on a calibration split disjoint from the
 * training split (see `calibrateThreshold`); if no threshold is feasible the
 * gate is deactivated and routes nothing.
 */
export function calibrateMetaGate<M extends BinaryProbabilityModel>(
  gate: MetaGate<M>,
  calibration: MetaGateData,
  options: CalibrationOptions = {},
): CalibratedGate<MetaGate<M>> {
  const scores = metaGateScores(gate, calibration);
  const correctA = correctness(calibration.y, calibration.predA);
  const correctB = correctness(calibration.y, calibration.predB);
  const result = calibrateThreshold(scores, correctA, correctB, options);
  const config: MetaGateConfig =
    result.threshold === null
      ? { ...gate.config, active: false }
      : { ...gate.config, active: true, threshold: result.threshold };
  const calibrated: MetaGate<M> = { config, model: gate.model };
  const route = routeByThreshold(scores, config.threshold, config.active);
  return { gate: calibrated, calibration: result, report: gatedReport(correctA, correctB, route, options) };
}
