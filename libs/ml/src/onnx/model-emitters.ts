/**
 * Per-model-kind ONNX emitters. An emitter appends the nodes that turn the FP32 design matrix
 * `[N, nFeatures]` into the model's output, and returns which tensor holds it.
 *
 * To export a new model family, write `emitMyModel(g, model, features)` (narrow `model` to
 * your class first) and add it to {@link modelEmitters} — an explicit table rather than
 * import-time registration, so what can be exported never depends on module load order.
 */
import type { TrainedModel } from '../models/types.js';
import { LOGISTIC_REGRESSION_KIND } from '../models/logistic-regression.js';
import type { OnnxGraphBuilder } from './graph-builder.js';
import type { EmittedFeatures } from './emit-preprocessor.js';
import { emitLogisticRegression } from './emit-logistic-regression.js';
import { CART_KIND } from '../models/trees/cart.js';
import { GBDT_KIND } from '../models/trees/gbdt.js';
import { MLP_KIND } from '../models/mlp/mlp.js';
import { emitCart, emitGbdt } from '../models/trees/emit-tree-ensemble.js';
import { emitMlp } from '../models/mlp/emit-mlp.js';

/** What a model emitter produced. */
export type EmittedModel =
  /** Binary classifier: FP32 `[N, 1]` tensor of P(y = 1). */
  | { readonly task: 'binary'; readonly positiveProbability: string }
  /** Regressor: FP32 `[N, 1]` tensor of predictions. */
  | { readonly task: 'regression'; readonly prediction: string };

/** Emits the nodes of one model kind after the preprocessing subgraph. */
export type ModelEmitter = (g: OnnxGraphBuilder, model: TrainedModel, features: EmittedFeatures) => EmittedModel;

/** Built-in emitters, keyed by `Model.kind`. */
export const modelEmitters: Readonly<Record<string, ModelEmitter>> = {
  [LOGISTIC_REGRESSION_KIND]: emitLogisticRegression,
  [CART_KIND]: emitCart,
  [GBDT_KIND]: emitGbdt,
  [MLP_KIND]: emitMlp,
};
