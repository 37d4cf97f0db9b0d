import {
  type Pipeline,
  type LeafPath,
  CartClassifier,
  GbdtClassifier,
  LogisticRegressionModel,
  MISSING_FEATURE_LABEL,
  leafPaths,
  normalisedIntervals,
} from '@ratchet/ml';
import type { TreePath } from './path-distance.js';
import type { ReferenceSpace } from './reference-space.js';

function checkInputs(pipeline: Pipeline, space: ReferenceSpace, fn: string): void {
  const names = pipeline.preprocessor.features.map((f) => f.name);
  const ref = space.inputs.map((f) => f.name);
  if (names.length !== ref.length || names.some((n, k) => n !== ref[k])) {
    throw new Error(`${fn}: model inputs [${names.join(', ')}] differ from the reference space [${ref.join(', ')}]`);
  }
}

/**
 * Logistic-regression coefficients re-expressed on the reference standardisation (intercept
 * excluded), for `coefficientDistance` (squared L2, SVML's distance for linear models).
 * A numeric coefficient β on the model's scale s becomes β·s_ref/s — the same change of
 * log-odds per reference standard deviation, an exact re-expression of the same decision
 * function on complete rows. One-hot coefficients are matched by column name (`color=red`);
 * a reference category the model never saw gets 0, which is how the model encodes it.
 */
export function linearCoefficients(pipeline: Pipeline, space: ReferenceSpace): Float64Array {
  checkInputs(pipeline, space, 'linearCoefficients');
  const model = pipeline.model;
  if (!(model instanceof LogisticRegressionModel)) {
    throw new Error(`linearCoefficients: needs a logistic-regression model, got '${model.kind}'`);
  }
  const own = new Map<string, number>();
  pipeline.preprocessor.featureNames.forEach((name, j) => own.set(name, j));
  const ref = space.preprocessor;
  const out = new Float64Array(ref.nFeatures);
  ref.features.forEach((f, k) => {
    const offset = ref.offsets[k] as number;
    if (f.type === 'numeric') {
      const mine = pipeline.preprocessor.features[k];
      const scale = mine?.type === 'numeric' ? mine.scale : 1;
      out[offset] = ((model.coef[own.get(f.name) ?? -1] ?? 0) * f.scale) / scale;
      return;
    }
    const names = ref.featureNames;
    for (let j = offset; j < (ref.offsets[k + 1] as number); j++) {
      const at = own.get(names[j] as string);
      out[j] = at === undefined ? 0 : (model.coef[at] as number);
    }
  });
  return out;
}

/**
 * Root-to-leaf paths of a CART pipeline as svml {@link TreePath}s in the reference space,
 * for `treeDistance` (optimal path matching):
 * - numeric input k: the path's bounds on the model's standardised column are mapped back to
 *   raw units (t·s + c) and normalised by the reference raw range (`normalisedIntervals`);
 * - categorical input k: a one-hot split `k=v < 0.5` removes level v from the allowed set,
 *   `k=v ≥ 0.5` keeps only v (so the path's region is a level set, compared by Jaccard);
 * - value: the leaf's class-1 fraction (the class term, weighted by λ in `pathDistance`).
 */
export function cartPaths(pipeline: Pipeline, space: ReferenceSpace): TreePath[] {
  checkInputs(pipeline, space, 'cartPaths');
  const model = pipeline.model;
  if (!(model instanceof CartClassifier)) throw new Error(`cartPaths: needs a CART model, got '${model.kind}'`);
  const pre = pipeline.preprocessor;
  const numeric = space.inputs.flatMap((f, k) => (f.type === 'numeric' ? [k] : []));
  const categorical = space.inputs.flatMap((f, k) => (f.type === 'categorical' ? [k] : []));
  const rawMin = Float64Array.from(numeric, (k) => space.rawMin[k] as number);
  const rawMax = Float64Array.from(numeric, (k) => space.rawMax[k] as number);
  return leafPaths(model.tree).map((path: LeafPath): TreePath => {
    const lower = new Float64Array(numeric.length);
    const upper = new Float64Array(numeric.length);
    numeric.forEach((k, i) => {
      const f = pre.features[k];
      const j = pre.offsets[k] as number;
      const c = f?.type === 'numeric' ? f.center : 0;
      const s = f?.type === 'numeric' ? f.scale : 1;
      lower[i] = (path.lower[j] as number) * s + c;
      upper[i] = (path.upper[j] as number) * s + c;
    });
    const categories = categorical.map((k) => {
      const levels = space.levels[k] ?? [];
      const allowed = new Set<number>(levels.map((_, i) => i));
      const index = new Map(levels.map((l, i) => [l, i] as const));
      const f = pre.features[k];
      if (f?.type !== 'categorical') return allowed;
      const own = [...f.categories, ...(f.missing === 'indicator' ? [MISSING_FEATURE_LABEL] : [])];
      own.forEach((level, i) => {
        const j = (pre.offsets[k] as number) + i;
        const at = index.get(level);
        if (at === undefined) return;
        if ((path.upper[j] as number) <= 1 && Number.isFinite(path.upper[j] as number)) allowed.delete(at);
        if ((path.lower[j] as number) > 0 && Number.isFinite(path.lower[j] as number)) {
          for (const other of [...allowed]) if (other !== at) allowed.delete(other);
        }
      });
      return allowed;
    });
    const intervals = normalisedIntervals({ ...path, lower, upper }, rawMin, rawMax);
    return { intervals, categories, value: path.value };
  });
}

/**
 * A tree model's built-in importances summed per input feature (one-hot columns of a
 * categorical input add up), in schema order: Gini importance for CART, total split gain
 * for GBDT. Summing per input makes vectors of models with different category sets
 * comparable, and matches permutation importance, which permutes whole input columns.
 */
export function inputImportances(pipeline: Pipeline, space: ReferenceSpace): Float64Array {
  checkInputs(pipeline, space, 'inputImportances');
  const model = pipeline.model;
  if (!(model instanceof CartClassifier) && !(model instanceof GbdtClassifier)) {
    throw new Error(`inputImportances: needs a CART or GBDT model with built-in importances, got '${model.kind}'`);
  }
  return perInput(model.featureImportances, pipeline.preprocessor.offsets);
}

/** Sums design-column values per input feature given the preprocessor's column offsets. */
export function perInput(values: ArrayLike<number>, offsets: Int32Array): Float64Array {
  const out = new Float64Array(offsets.length - 1);
  for (let k = 0; k < out.length; k++) {
    for (let j = offsets[k] as number; j < (offsets[k + 1] as number); j++) out[k] = (out[k] as number) + (values[j] ?? 0);
  }
  return out;
}
