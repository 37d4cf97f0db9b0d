import {
  type BinaryClassifier,
  type FeatureSpec,
  type ModelParams,
  type Pipeline,
  type Preprocessor,
  type Table,
  type TrainedModel,
  isBinaryClassifier,
  labelsFromProba,
  modelTrainers,
} from '@ratchet/ml';
import type { KnnGate } from './knn-gate.js';
import { knnGateRoute } from './knn-gate.js';
import type { BinaryTrainer, MetaGate } from './meta-gate.js';
import { metaGateRoute } from './meta-gate.js';

/** A binary classifier from `@ratchet/ml` that a meta gate can use and the ONNX export can emit. */
export type MetaModel = TrainedModel & BinaryClassifier;

/**
 * The routing part of a gated pair (A, B, gate), over the raw columns a serving request
 * carries. `features` encodes those columns into the gate's design matrix (the kNN space,
 * or the raw-feature part of the meta model's input); it is a fitted `Preprocessor`, so the
 * composite ONNX graph can compute it with ml's preprocessing emitter.
 */
export type PairGate =
  | { readonly kind: 'knn'; readonly features: Preprocessor; readonly gate: KnnGate }
  | { readonly kind: 'meta'; readonly features: Preprocessor; readonly gate: MetaGate<MetaModel> };

/** Per-row outcome of a gated pair on a table (what the composite ONNX graph outputs). */
export interface GatedPrediction {
  /** P(y = 1) of A and of B. */
  readonly probaA: Float64Array;
  readonly probaB: Float64Array;
  /** Labels 1[p > 0.5] of A and of B. */
  readonly predA: Float64Array;
  readonly predB: Float64Array;
  /** 1 where B answers, 0 where A does (the graph's `arm` output). */
  readonly arm: Uint8Array;
  /** P(y = 1) of the answering arm. */
  readonly proba: Float64Array;
  /** 1[proba > 0.5]. */
  readonly label: Float64Array;
}

/** Row-major N×2 class probabilities [1 − p, p] from P(y = 1), as `flipReport` takes them. */
export function twoClassProba(p: Float64Array): Float64Array {
  const out = new Float64Array(2 * p.length);
  for (let i = 0; i < p.length; i++) {
    out[2 * i] = 1 - (p[i] as number);
    out[2 * i + 1] = p[i] as number;
  }
  return out;
}

/** Raw feature columns of a pipeline (the graph inputs it reads). */
export function pipelineInputs(pipeline: Pipeline): FeatureSpec[] {
  return pipeline.preprocessor.inputs;
}

/**
 * Union of raw feature columns, first occurrence wins the position. Throws when a column is
 * numeric in one list and categorical in another (one graph input cannot be both).
 */
export function unionInputs(...lists: readonly (readonly FeatureSpec[])[]): FeatureSpec[] {
  const out: FeatureSpec[] = [];
  const seen = new Map<string, FeatureSpec>();
  for (const list of lists) {
    for (const spec of list) {
      const prior = seen.get(spec.name);
      if (prior === undefined) {
        seen.set(spec.name, spec);
        out.push({ name: spec.name, type: spec.type });
      } else if (prior.type !== spec.type) {
        throw new Error(`gated pair: column '${spec.name}' is ${prior.type} in one model and ${spec.type} in another`);
      }
    }
  }
  return out;
}

/** Narrows a pipeline's model to a binary classifier, naming the arm on failure. */
export function binaryModel(pipeline: Pipeline, arm: string): BinaryClassifier {
  const { model } = pipeline;
  if (!isBinaryClassifier(model)) throw new Error(`gated pair: arm ${arm} (${model.kind}) is not a binary classifier`);
  return model;
}

/** P(y = 1) of a pipeline on a raw table. */
export function pipelineProba(pipeline: Pipeline, table: Table, arm: string): Float64Array {
  return binaryModel(pipeline, arm).predictProba(pipeline.transform(table), table.nRows);
}

/**
 * Gate scores → route per row, with the same inputs the composite graph uses: the gate's
 * design matrix and, for the meta gate, P(y = 1) of A and B as one score column each.
 */
export function routePair(gate: PairGate, table: Table, probaA: Float64Array, probaB: Float64Array): Uint8Array {
  const features = gate.features.transform(table);
  if (gate.kind === 'knn') return knnGateRoute(gate.gate, features);
  return metaGateRoute(gate.gate, {
    features,
    scoresA: probaA,
    scoresB: probaB,
    predA: labelsFromProba(probaA),
    predB: labelsFromProba(probaB),
  });
}

/**
 * The TypeScript reference of a gated pair: A's and B's probabilities, the gate's route and
 * the answering arm's probability and label per row. The composite ONNX graph of
 * `exportGatedPair` computes the same function.
 */
export function predictGatedPair(a: Pipeline, b: Pipeline, gate: PairGate, table: Table): GatedPrediction {
  const probaA = pipelineProba(a, table, 'A');
  const probaB = pipelineProba(b, table, 'B');
  const arm = routePair(gate, table, probaA, probaB);
  const proba = new Float64Array(table.nRows);
  for (let i = 0; i < proba.length; i++) proba[i] = arm[i] === 1 ? (probaB[i] as number) : (probaA[i] as number);
  return {
    probaA,
    probaB,
    predA: labelsFromProba(probaA),
    predB: labelsFromProba(probaB),
    arm,
    proba,
    label: labelsFromProba(proba),
  };
}

/**
 * A `BinaryTrainer` over ml's model trainers (logistic regression, CART, GBDT, MLP), so any
 * of them can be a meta gate's model — and be emitted into the composite graph.
 */
export function mlBinaryTrainer(kind: string, params: ModelParams = {}, seed = 0): BinaryTrainer<MetaModel> {
  const trainer = modelTrainers[kind];
  if (trainer === undefined) {
    throw new Error(`meta model: no trainer for kind '${kind}' (have: ${Object.keys(modelTrainers).join(', ')})`);
  }
  return {
    fit(X: Float64Array, y: Uint8Array, weights?: Float64Array): MetaModel {
      const nRows = y.length;
      const model = trainer(
        { X, nRows, nFeatures: X.length / nRows, y: Float64Array.from(y), ...(weights !== undefined ? { sampleWeight: weights } : {}) },
        params,
        seed,
      );
      if (!isBinaryClassifier(model)) throw new Error(`meta model: kind '${kind}' is not a binary classifier`);
      return model;
    },
  };
}
