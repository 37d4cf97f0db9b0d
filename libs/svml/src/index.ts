export { alphaFeasible, alphaFeasibleLayers, type ScoreMode } from './alpha-feasibility.js';
export {
  DistanceCache,
  INITIAL_MODEL,
  type CandidateDistance,
  type CandidateRef,
} from './distance-cache.js';
export type { SequenceSelection } from './selection.js';
export { shortestSequence, withDistances, type ShortestPathOptions } from './shortest-path.js';
export { greedySequence } from './greedy-path.js';
export { alphaFrontier, type AlphaFrontierOptions, type FrontierPoint } from './alpha-frontier.js';
export {
  intraSequenceStability,
  interSequenceStability,
  type InterSequenceStability,
  type StabilitySummary,
} from './stability.js';
export { solveAssignment, type Assignment } from './hungarian.js';
export { matchPaths, type PathMatching } from './path-matching.js';
export {
  pathDistance,
  treeDistance,
  jaccardDistance,
  type PathDistanceOptions,
  type TreeDistance,
  type TreePath,
} from './path-distance.js';
export { coefficientDistance } from './coefficient-distance.js';
export { importanceDistance } from './importance-distance.js';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen.js';
export {
  ellipsoid,
  ellipsoidConstraint,
  projectOntoEllipsoid,
  type Ellipsoid,
  type EllipsoidProjection,
} from './ellipsoid-projection.js';
export {
  choleskySolve,
  fitLeastSquares,
  gramMatrix,
  squaredLoss,
  type RegressionBatch,
} from './least-squares.js';
export {
  solveSlowlyVaryingSequence,
  sequenceCost,
  kktReport,
  type ConvexConstraint,
  type KktReport,
  type SlowlyVaryingSolution,
  type SlowlyVaryingSolverOptions,
} from './slowly-varying-solver.js';
export { solveSlowlyVaryingLeastSquares, type SlowlyVaryingLeastSquares } from './slowly-varying-least-squares.js';
export {
  slowlyVaryingRegression,
  leastSquaresPool,
  type CandidatePool,
  type SlowlyVaryingRegression,
  type SlowlyVaryingRegressionOptions,
} from './synthetic.js';
export {
  fitLogistic,
  logisticGradient,
  logisticHessian,
  logisticLoss,
  type ClassificationBatch,
} from './logistic-loss.js';
export { projectOntoSublevelSet, type SmoothConvexFunction } from './sublevel-projection.js';
export { solveSlowlyVaryingLogistic, type SlowlyVaryingLogistic } from './slowly-varying-logistic.js';
export { leastSquaresExactFrontier, type ExactFrontierPoint } from './exact-frontier.js';
export { referenceSpace, type ReferenceSpace } from './reference-space.js';
export { linearCoefficients, cartPaths, inputImportances, perInput } from './model-signatures.js';
export {
  permutationImportance,
  type PermutationImportance,
  type PermutationImportanceOptions,
  type PermutationMetric,
} from './permutation-importance.js';
