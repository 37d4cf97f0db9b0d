/**
 * ONNX for the MLP: `Relu(X·W₁ + b₁)` per hidden layer, then `Sigmoid(H·W_L + b_L)`, with FP32
 * weights (`MatMul`, `Add`, `Relu`, `Sigmoid` from the default domain).
 */
import { type OnnxGraphBuilder, tensor } from '../../onnx/graph-builder.js';
import type { EmittedFeatures } from '../../onnx/emit-preprocessor.js';
import type { EmittedModel } from '../../onnx/model-emitters.js';
import type { TrainedModel } from '../types.js';
import { MlpClassifier } from './mlp.js';

/** ONNX emitter for {@link MlpClassifier}: FP32 `[N, 1]` P(y = 1). */
export function emitMlp(g: OnnxGraphBuilder, model: TrainedModel, features: EmittedFeatures): EmittedModel {
  if (!(model instanceof MlpClassifier)) throw new TypeError(`emitMlp: expected an MlpClassifier, got kind '${model.kind}'`);
  if (model.nFeatures !== features.nFeatures) {
    throw new RangeError(`emitMlp: model has ${model.nFeatures} inputs, features have ${features.nFeatures} columns`);
  }
  const layers = model.layers;
  let h = features.name;
  layers.forEach((layer, l) => {
    const w = g.constant(`mlp_w${l}`, tensor.float32(layer.weights, [layer.inSize, layer.outSize]));
    const b = g.constant(`mlp_b${l}`, tensor.float32(layer.bias, [layer.outSize]));
    const z = g.op('Add', [g.op('MatMul', [h, w]), b]);
    h = g.op(l === layers.length - 1 ? 'Sigmoid' : 'Relu', [z]);
  });
  return { task: 'binary', positiveProbability: h };
}
