// @ratchet/training — model training on worker threads, candidate pools and slowly varying selection.
export { TrainingPool, defaultWorkerUrl, workerExecArgv, type TrainingPoolOptions } from './training-pool.js';
export type { TrainingExecutor, TrainingRunOptions, TableHandle } from './training-executor.js';
export { type CompactTask, compactTask } from './compact-task.js';
export { TrainingError, trainingCancelled } from './training-error.js';
export type { TrainTask, TrainOutcome } from './messages.js';
export { runTrainTask } from './run-task.js';
export { toSharedTable } from './shared-table.js';
export { type ParamDistribution, type SearchSpace, defaultSearchSpaces, sampleParams } from './search-space.js';
export { type Candidate, type BatchPool, type CandidatePoolOptions, buildCandidatePools } from './candidate-pools.js';
export { type OnnxPredictor, onnxPredictor } from './onnx-predictor.js';
export {
  type DistanceKind,
  type ModelSignature,
  type ModelRef,
  type PermutationSetup,
  defaultDistanceFor,
  modelSignature,
  signatureDistance,
} from './model-distance.js';
export {
  type SelectionMode,
  type SelectSlowlyVaryingOptions,
  type ScoredSequence,
  type SlowlyVaryingSelection,
  selectSlowlyVarying,
  interSequenceReport,
} from './select-slowly-varying.js';
