// Profiles: what a model version stores about its training data.
export {
  ReferenceProfile,
  ProfileFormatError,
  PROFILE_FORMAT,
  type ReferenceProfileJson,
  type ProfileInput,
  type ProfileOptions,
} from './profile/reference-profile.js';
export { DriftWindow, type DriftRow } from './profile/drift-window.js';
export {
  type NumericSummary,
  DEFAULT_PROFILE_BINS,
  summarizeNumeric,
  summarizeSorted,
  sortFinite,
  quantileEdges,
  binSorted,
  mergeNumericSummaries,
  cdfAtEdges,
  histogramCdf,
  histogramQuantile,
  approximateSample,
  wasserstein1AgainstSummary,
} from './profile/numeric-summary.js';
export {
  type CategoricalSummary,
  type CategoryValue,
  type CategoricalBuckets,
  DEFAULT_MAX_CATEGORIES,
  OTHER_BUCKET,
  countCategories,
  summarizeCategorical,
  summaryFromCounts,
  alignCategories,
} from './profile/categorical-summary.js';

// Drift checks.
export {
  checkDrift,
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftCheckOptions,
  type DriftReport,
  type DriftThresholds,
  type FeatureDrift,
  type ScoreShift,
  type NumericEffectMetric,
  type CategoricalEffectMetric,
  type PValueCorrection,
} from './drift-check/check-drift.js';
export { ksAgainstProfile, type KsAgainstProfileResult } from './drift-check/ks-against-profile.js';
export { numericDrift, type NumericDriftMetrics, type NumericDriftOptions } from './drift-check/numeric-drift.js';
export { categoricalDrift, type CategoricalDriftMetrics } from './drift-check/categorical-drift.js';
export { priorShiftTest, type PriorShiftOptions, type PriorShiftResult } from './drift-check/prior-shift.js';
export { coarsenBins, sumByGroup } from './drift-check/coarsen-bins.js';

// Hypothesis tests and corrections.
export {
  ksTwoSample,
  ksOneSample,
  ksStatisticSorted,
  sortedCopy,
  KS_EXACT_AUTO_MAX_N,
  type KsMethod,
  type KsResult,
  type KsTwoSampleOptions,
  type KsOneSampleResult,
} from './hypothesis-tests/ks-test.js';
export { ksTwoSampleExactSurvival } from './hypothesis-tests/ks-two-sample-exact.js';
export { chiSquareHomogeneity, balancedCramersV, type ChiSquareResult } from './hypothesis-tests/chi-square-test.js';
export { bonferroni } from './hypothesis-tests/bonferroni.js';
export { benjaminiHochberg } from './hypothesis-tests/benjamini-hochberg.js';

// Distances.
export { populationStabilityIndex, DEFAULT_PSI_EPSILON } from './metrics/psi.js';
export { jensenShannonDistance } from './metrics/jensen-shannon.js';
export { wasserstein1Sorted } from './metrics/wasserstein.js';

// Special functions.
export { kolmogorovSmirnovSurvival, smirnovSurvival } from './special/kolmogorov-distribution.js';

// Streaming concept-drift detectors.
export type { DriftSignal, StreamDetector } from './detectors/stream-detector.js';
export { Ddm, type DdmOptions } from './detectors/ddm.js';
export { Eddm, type EddmOptions } from './detectors/eddm.js';
export { Adwin, type AdwinOptions } from './detectors/adwin.js';
export { PageHinkley, type PageHinkleyOptions } from './detectors/page-hinkley.js';
export { evaluateDetector, type DetectionEvaluation } from './detectors/detection-evaluation.js';
export { piecewiseStream, type Segment } from './detectors/synthetic-streams.js';
export { SeededRandom } from './testing/seeded-random.js';
export { sortFloat64 } from './profile/sort-float64.js';
export { referenceProfileFromTable } from './profile/table-profile.js';
