export { clopperPearsonUpper, clopperPearsonLower } from './clopper-pearson.js';
export { mcnemarTest, type McNemarOptions, type McNemarResult } from './mcnemar.js';
export { correctness, routedPredictions, type LabelArray } from './correctness.js';
export {
  flipReport,
  flipReportFromCorrectness,
  type FlipReport,
  type FlipReportOptions,
  type ProbabilisticScores,
} from './flip-report.js';
export { checkRegressionBudget, paretoSafety, isParetoSafe, type RegressionBudgetCheck } from './pareto-safe.js';
export {
  calibrateThreshold,
  gatedReport,
  routeByThreshold,
  type CalibratedGate,
  type CalibrationOptions,
  type ThresholdCalibration,
} from './threshold-calibration.js';
export { fitStandardizer, standardize, type Standardizer } from './standardizer.js';
export {
  fitKnnGate,
  knnGateScores,
  knnGateRoute,
  calibrateKnnGate,
  knnGateToJson,
  knnGateFromJson,
  type KnnGate,
  type KnnGateData,
  type KnnGateJson,
  type KnnGateOptions,
} from './knn-gate.js';
export {
  fitMetaGate,
  metaGateScores,
  metaGateRoute,
  calibrateMetaGate,
  type BinaryProbabilityModel,
  type BinaryTrainer,
  type MetaGate,
  type MetaGateConfig,
  type MetaGateData,
  type MetaGateInputs,
} from './meta-gate.js';
export {
  binaryModel,
  mlBinaryTrainer,
  pipelineInputs,
  pipelineProba,
  predictGatedPair,
  routePair,
  twoClassProba,
  unionInputs,
  type GatedPrediction,
  type MetaModel,
  type PairGate,
} from './gated-pair.js';
export {
  fitPairGate,
  evaluateGatedPair,
  type FittedPairGate,
  type GatedPairEvaluation,
  type LabelledTable,
  type PairGateOptions,
} from './fit-pair-gate.js';
export {
  ARM_OUTPUT,
  GATED_PAIR_KIND,
  GATE_METADATA_KEYS,
  exportGatedPair,
  type ExportGatedPairOptions,
} from './export-gated-pair.js';
export { gatingSplit, type GatingSplit, type GatingSplitOptions } from './gating-split.js';
