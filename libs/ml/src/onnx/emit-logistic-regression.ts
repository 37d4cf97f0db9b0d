/**
 * ONNX for logistic regression: `Sigmoid(MatMul(X, w) + b)`, FP32 `[N, 1]`.
 */
import { LogisticRegressionModel } from '../models/logistic-regression.js';
import type { TrainedModel } from '../models/types.js';
import { type OnnxGraphBuilder, tensor } from './graph-builder.js';
import type { EmittedFeatures } from './emit-preprocessor.js';
import type { EmittedModel } from './model-emitters.js';

/** Emits P(y = 1) = σ(Xw + b) for a {@link LogisticRegressionModel}. */
export function emitLogisticRegression(g: OnnxGraphBuilder, model: TrainedModel, features: EmittedFeatures): EmittedModel {
  if (!(model instanceof LogisticRegressionModel)) {
    throw new TypeError(`emitLogisticRegression: expected a LogisticRegressionModel, got kind '${model.kind}'`);
  }
  if (model.nFeatures !== features.nFeatures) {
    throw new RangeError(`emitLogisticRegression: model has ${model.nFeatures} coefficients, features have ${features.nFeatures} columns`);
  }
  const w = g.constant('lr_coef', tensor.float32(model.coef, [model.nFeatures, 1]));
  const b = g.constant('lr_intercept', tensor.float32([model.intercept], [1]));
  const logit = g.op('Add', [g.op('MatMul', [features.name, w]), b]);
  return { task: 'binary', positiveProbability: g.op('Sigmoid', [logit]) };
}
