// @ratchet/ml — pure tabular ML: data, preprocessing, models, ONNX export, metrics.

export { Rng, deriveSeed, type MutableIndexable } from './rng.js';

// Data
export {
  MISSING_CODE,
  type ColumnType,
  type NumericColumn,
  type CategoricalColumn,
  type Column,
  type Table,
  createTable,
  numericColumn,
  categoricalColumn,
  columnLength,
  compareStrings,
  findColumn,
  getColumn,
  getNumericColumn,
  getCategoricalColumn,
  categoryAt,
  takeRows,
  sliceRows,
  selectColumns,
  filterRows,
} from './data/table.js';
export { type FeatureSpec, type Schema, type InferSchemaOptions, inferSchema, validateSchema } from './data/schema.js';
export { type ParseCsvOptions, parseCsv, parseCsvRecords } from './data/csv.js';
export { extractLabels, extractWeights, rowsWithLabel, checkWeights } from './data/labels.js';
export {
  type Split,
  type StratifiedSplitOptions,
  stratifiedSplit,
  temporalOrder,
  temporalSplit,
} from './data/split.js';
export { batchBounds, disjointBatches, prefixBatches } from './data/batches.js';
export { bootstrapIndices, bootstrapCounts, outOfBagIndices } from './data/bootstrap.js';
export {
  type SyntheticBinaryOptions,
  type SyntheticTruth,
  SYNTHETIC_TRUTH,
  makeSyntheticBinary,
} from './data/synthetic.js';

// Preprocessing
export {
  type FeatureParams,
  type PreprocessorOptions,
  type PreprocessorJSON,
  Preprocessor,
} from './preprocess/preprocessor.js';
export {
  type ImputeStrategy,
  type NumericFeatureParams,
  fitNumericFeature,
  encodeNumeric,
} from './preprocess/numeric-feature.js';
export {
  type CategoricalMissing,
  type CategoricalFeatureParams,
  type CategoricalFitOptions,
  MISSING_FEATURE_LABEL,
  fitCategoricalFeature,
  categoricalWidth,
} from './preprocess/categorical-feature.js';

// Models
export {
  type Task,
  type ModelKind,
  type JsonValue,
  type SerializedModel,
  type Model,
  type BinaryClassifier,
  type Regressor,
  type TrainedModel,
  type TrainingSet,
  type ModelDecoder,
  isBinaryClassifier,
  assertDesignMatrix,
} from './models/types.js';
export {
  type LogisticRegressionOptions,
  type LogisticRegressionParams,
  type FitReport,
  type FitStop,
  LOGISTIC_REGRESSION_KIND,
  LogisticRegressionModel,
  fitLogisticRegression,
  sigmoid,
} from './models/logistic-regression.js';

// Pipeline
export { type PipelineJSON, Pipeline, isBinaryPipeline } from './pipeline/pipeline.js';
export { modelDecoders } from './pipeline/model-decoders.js';
export {
  type ModelParams,
  type ModelTrainer,
  modelTrainers,
  numberParam,
  booleanParam,
  rejectUnknownParams,
} from './pipeline/model-trainers.js';
export { type TrainSpec, type TrainResult, fitPipeline, trainFromSpec } from './pipeline/train-from-spec.js';

// ONNX
export { ProtoWriter } from './onnx/protobuf-writer.js';
export {
  DataType,
  AttributeType,
  type TensorProto,
  type AttributeProto,
  type NodeProto,
  type Dim,
  type ValueInfoProto,
  type GraphProto,
  type OperatorSetId,
  type ModelProto,
  encodeModel,
} from './onnx/onnx-proto.js';
export {
  ONNX_DOMAIN,
  ONNX_ML_DOMAIN,
  DEFAULT_OPSETS,
  DEFAULT_IR_VERSION,
  type TensorValue,
  type AttributeValue,
  type NodeOptions,
  type ModelOptions,
  tensor,
  attr,
  OnnxGraphBuilder,
} from './onnx/graph-builder.js';
export {
  DEFAULT_MISSING_TOKENS,
  type EmitPreprocessorOptions,
  type EmittedFeatures,
  emitPreprocessor,
} from './onnx/emit-preprocessor.js';
export { type EmittedModel, type ModelEmitter, modelEmitters } from './onnx/model-emitters.js';
export { emitLogisticRegression } from './onnx/emit-logistic-regression.js';
export {
  LABEL_OUTPUT,
  PROBABILITIES_OUTPUT,
  METADATA_KEYS,
  type ExportPipelineOptions,
  exportPipeline,
} from './onnx/export-pipeline.js';
export { type OnnxInputData, toOnnxInputs } from './onnx/onnx-inputs.js';

// Metrics
export {
  type ConfusionMatrix,
  labelsFromProba,
  confusionMatrix,
  accuracy,
  precision,
  recall,
  f1Score,
} from './metrics/classification.js';
export { rocAuc } from './metrics/roc-auc.js';
export { logLoss, brierScore } from './metrics/log-loss.js';
export { meanAbsoluteError, meanSquaredError } from './metrics/regression.js';

// Tree models and MLP
export * from './models/trees/index.js';
export * from './models/mlp/index.js';

// Built-in demo model (quick start, tests, benchmarks)
export * from './demo/demo-model.js';
export * from './data/agrawal.js';
