// Tree models: CART, gradient-boosted trees, their flat tree layout and ONNX emitters.
export { type CartOptions, type CartParams, CART_KIND, CartClassifier, fitCart } from './cart.js';
export {
  type GbdtOptions,
  type GbdtParams,
  GBDT_KIND,
  GbdtClassifier,
  fitGbdt,
} from './gbdt.js';
export {
  type FlatTree,
  type FlatTreeJSON,
  type LeafPath,
  leafPaths,
  featureRanges,
  normalisedIntervals,
  leafIndex,
  predictTree,
  treeDepth,
  nodeCount,
  flatTreeToJSON,
  flatTreeFromJSON,
} from './flat-tree.js';
export { float32SplitThreshold, goesLeft } from './float32-threshold.js';
export {
  type BinMapper,
  type BinMapperOptions,
  missingBin,
  MAX_VALUE_BINS,
  fitBinMapper,
  binValue,
  binMatrix,
} from './binning.js';
export { checkTrainingSet } from './check-training-set.js';
export { hashDataset, nonlinearDataset, sliceTrainingSet } from './synthetic-data.js';
export { emitTreeEnsembleSum, emitCart, emitGbdt } from './emit-tree-ensemble.js';
