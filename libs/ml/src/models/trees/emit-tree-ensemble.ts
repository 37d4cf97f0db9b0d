/**
 * ONNX for tree models: one ai.onnx.ml `TreeEnsembleRegressor` (opset 3, supported by
 * onnxruntime 1.x) summing every tree's leaf value onto `base_values`, then `Sigmoid` for
 * boosted margins. Nodes use `BRANCH_LT` with the trees' float32 thresholds, so ORT, which
 * compares FP32 features against FP32 thresholds, takes exactly the branches of
 * `leafIndex` (see `float32-threshold.ts`); `nodes_missing_value_tracks_true` carries the
 * learned NaN direction (true branch = left).
 */
import { ONNX_ML_DOMAIN, type OnnxGraphBuilder, attr } from '../../onnx/graph-builder.js';
import type { EmittedFeatures } from '../../onnx/emit-preprocessor.js';
import type { EmittedModel } from '../../onnx/model-emitters.js';
import type { TrainedModel } from '../types.js';
import { CartClassifier } from './cart.js';
import type { FlatTree } from './flat-tree.js';
import { GbdtClassifier } from './gbdt.js';

/**
 * Emits `TreeEnsembleRegressor(X) = base + Σ_t tree_t(X)` as FP32 `[N, 1]` and returns its
 * name. Leaf values and the base are FP32 in the graph (and summed in FP32 by ORT), so the
 * output differs from the double-precision TypeScript sum by float rounding only.
 */
export function emitTreeEnsembleSum(g: OnnxGraphBuilder, trees: readonly FlatTree[], base: number, features: EmittedFeatures): string {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTrue: number[] = [];
  const targetTree: number[] = [];
  const targetNode: number[] = [];
  const targetWeight: number[] = [];
  trees.forEach((tree, t) => {
    if (tree.nFeatures !== features.nFeatures) {
      throw new RangeError(`tree ${t} expects ${tree.nFeatures} features, the graph has ${features.nFeatures}`);
    }
    for (let node = 0; node < tree.feature.length; node++) {
      treeIds.push(t);
      nodeIds.push(node);
      const left = tree.left[node] as number;
      if (left === -1) {
        featureIds.push(0);
        modes.push('LEAF');
        values.push(0);
        trueIds.push(0);
        falseIds.push(0);
        missingTrue.push(0);
        targetTree.push(t);
        targetNode.push(node);
        targetWeight.push(tree.value[node] as number);
      } else {
        featureIds.push(tree.feature[node] as number);
        modes.push('BRANCH_LT');
        values.push(tree.threshold[node] as number);
        trueIds.push(left);
        falseIds.push(tree.right[node] as number);
        missingTrue.push(tree.missingLeft[node] as number);
      }
    }
  });
  return g.op('TreeEnsembleRegressor', [features.name], {
    domain: ONNX_ML_DOMAIN,
    attributes: {
      n_targets: attr.int(1),
      aggregate_function: attr.string('SUM'),
      post_transform: attr.string('NONE'),
      base_values: attr.floats([base]),
      nodes_treeids: attr.ints(treeIds),
      nodes_nodeids: attr.ints(nodeIds),
      nodes_featureids: attr.ints(featureIds),
      nodes_modes: attr.strings(modes),
      nodes_values: attr.floats(values),
      nodes_truenodeids: attr.ints(trueIds),
      nodes_falsenodeids: attr.ints(falseIds),
      nodes_missing_value_tracks_true: attr.ints(missingTrue),
      target_treeids: attr.ints(targetTree),
      target_nodeids: attr.ints(targetNode),
      target_ids: attr.ints(targetTree.map(() => 0)),
      target_weights: attr.floats(targetWeight),
    },
  });
}

/** ONNX emitter for {@link CartClassifier}: the single tree's leaf class-1 fraction is P(y = 1). */
export function emitCart(g: OnnxGraphBuilder, model: TrainedModel, features: EmittedFeatures): EmittedModel {
  if (!(model instanceof CartClassifier)) throw new TypeError(`emitCart: expected a CartClassifier, got kind '${model.kind}'`);
  return { task: 'binary', positiveProbability: emitTreeEnsembleSum(g, [model.tree], 0, features) };
}

/** ONNX emitter for {@link GbdtClassifier}: P(y = 1) = Sigmoid(base + Σ trees). */
export function emitGbdt(g: OnnxGraphBuilder, model: TrainedModel, features: EmittedFeatures): EmittedModel {
  if (!(model instanceof GbdtClassifier)) throw new TypeError(`emitGbdt: expected a GbdtClassifier, got kind '${model.kind}'`);
  const margin = emitTreeEnsembleSum(g, model.trees, model.baseScore, features);
  return { task: 'binary', positiveProbability: g.op('Sigmoid', [margin]) };
}
