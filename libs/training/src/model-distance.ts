import { type PipelineJSON, type Table, Pipeline, exportPipeline } from '@ratchet/ml';
import {
  type PermutationMetric,
  type ReferenceSpace,
  type TreePath,
  cartPaths,
  coefficientDistance,
  importanceDistance,
  inputImportances,
  linearCoefficients,
  permutationImportance,
  treeDistance,
} from '@ratchet/svml';
import { onnxPredictor } from './onnx-predictor.js';

/**
 * Which model distance d(f, f') the selection minimises:
 * - `coefficient`: ‖β − β'‖² of logistic-regression coefficients on the reference standardisation;
 * - `structural`: optimal path matching between CART trees (`treeDistance`);
 * - `gini` / `gain`: squared L2 between normalised built-in importances (CART Gini / GBDT gain);
 * - `permutation`: squared L2 between normalised permutation importances measured through
 *   onnxruntime on the exported graph — any model, including external ONNX files.
 */
export type DistanceKind = 'coefficient' | 'structural' | 'gini' | 'gain' | 'permutation';

/** The distance each model kind uses unless told otherwise. */
export const defaultDistanceFor: Readonly<Record<string, DistanceKind>> = {
  'logistic-regression': 'coefficient',
  cart: 'structural',
  gbdt: 'gain',
  mlp: 'permutation',
};

/** What a distance needs of one model, computed once per candidate. */
export type ModelSignature =
  | { readonly kind: 'coefficient' | 'importance'; readonly values: Float64Array }
  | { readonly kind: 'paths'; readonly paths: readonly TreePath[] };

/** A model to sign: one of ours (pipeline JSON), or any ONNX classifier with raw-column inputs. */
export interface ModelRef {
  readonly pipeline?: PipelineJSON;
  readonly onnx?: Uint8Array;
}

/** Evaluation rows for permutation importance (fixed per sequence: every model sees the same rows). */
export interface PermutationSetup {
  readonly table: Table;
  readonly labels: Float64Array;
  readonly metric?: PermutationMetric;
  readonly repeats?: number;
  readonly seed?: number;
}

/** Computes a model's {@link ModelSignature} for `kind` in the sequence's reference space. */
export async function modelSignature(
  model: ModelRef,
  kind: DistanceKind,
  space: ReferenceSpace,
  permutation?: PermutationSetup,
): Promise<ModelSignature> {
  if (kind === 'permutation') {
    if (permutation === undefined) throw new Error('modelSignature: permutation distance needs evaluation rows');
    const bytes = model.onnx ?? (model.pipeline ? exportPipeline(Pipeline.fromJSON(model.pipeline)) : undefined);
    if (bytes === undefined) throw new Error('modelSignature: a model needs a pipeline or ONNX bytes');
    const predictor = await onnxPredictor(bytes, space.inputs);
    try {
      const { importances } = await permutationImportance({
        table: permutation.table,
        labels: permutation.labels,
        features: space.inputs.map((f) => f.name),
        predict: (t) => predictor.predict(t),
        ...(permutation.metric ? { metric: permutation.metric } : {}),
        ...(permutation.repeats ? { repeats: permutation.repeats } : {}),
        ...(permutation.seed !== undefined ? { seed: permutation.seed } : {}),
      });
      return { kind: 'importance', values: importances };
    } finally {
      await predictor.release();
    }
  }
  if (model.pipeline === undefined) {
    throw new Error(`modelSignature: the '${kind}' distance needs a Ratchet pipeline; an ONNX-only model takes part through 'permutation'`);
  }
  const pipeline = Pipeline.fromJSON(model.pipeline);
  if (kind === 'coefficient') return { kind: 'coefficient', values: linearCoefficients(pipeline, space) };
  if (kind === 'structural') return { kind: 'paths', paths: cartPaths(pipeline, space) };
  const expected = kind === 'gini' ? 'cart' : 'gbdt';
  if (pipeline.model.kind !== expected) throw new Error(`modelSignature: the '${kind}' distance is for ${expected} models, got '${pipeline.model.kind}'`);
  return { kind: 'importance', values: inputImportances(pipeline, space) };
}

/** d(f, f') between two signatures of the same kind. */
export function signatureDistance(a: ModelSignature, b: ModelSignature): number {
  if (a.kind === 'paths' && b.kind === 'paths') return treeDistance(a.paths, b.paths).distance;
  if (a.kind === 'coefficient' && b.kind === 'coefficient') return coefficientDistance(a.values, b.values);
  if (a.kind === 'importance' && b.kind === 'importance') return importanceDistance(a.values, b.values);
  throw new Error(`signatureDistance: cannot compare a '${a.kind}' signature with a '${b.kind}' one`);
}
