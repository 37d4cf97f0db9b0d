// Multi-layer perceptron (1–2 ReLU hidden layers, sigmoid output) and its ONNX emitter.
export {
  type MlpOptions,
  type MlpParams,
  type DenseLayer,
  MLP_KIND,
  MlpClassifier,
  MlpWorkspace,
  fitMlp,
  initMlpParameters,
  mlpLayers,
  mlpLossAndGradient,
  mlpParameterCount,
} from './mlp.js';
export { emitMlp } from './emit-mlp.js';
