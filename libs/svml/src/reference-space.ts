import {
  type FeatureSpec,
  type PreprocessorOptions,
  type Schema,
  type Table,
  MISSING_FEATURE_LABEL,
  Preprocessor,
  getNumericColumn,
  takeRows,
} from '@ratchet/ml';

/**
 * The one feature space in which every model of a sequence is compared.
 *
 * Each candidate is trained by `trainFromSpec`, which fits its own preprocessor on its own
 * rows, so two candidates standardise with different means and scales and may even know
 * different category sets. Model distances therefore re-express every model in this
 * reference space, fitted once per sequence (on the sequence's training rows, with the same
 * preprocessing options):
 * - numeric input k: raw range [rawMin_k, rawMax_k] (tree paths) and reference scale s_k
 *   (linear coefficients);
 * - categorical input k: the reference level list (training categories, plus
 *   `<missing>` with a missing indicator), matched to a model's one-hot columns by name.
 */
export interface ReferenceSpace {
  /** Input features in schema order. */
  readonly inputs: readonly FeatureSpec[];
  /** Reference preprocessor (its design columns define the coefficient layout). */
  readonly preprocessor: Preprocessor;
  /** Per input feature: raw minimum and maximum over the reference rows (NaN for categorical). */
  readonly rawMin: Float64Array;
  readonly rawMax: Float64Array;
  /** Per input feature: level names of a categorical input (empty for numeric). */
  readonly levels: readonly (readonly string[])[];
}

/**
 * Fits the {@link ReferenceSpace} of a sequence on `rows` of `table` (default all rows).
 * Pass the union of the sequence's training rows (the last prefix batch D_B), so every
 * category a candidate may have seen is a reference level.
 */
export function referenceSpace(
  table: Table,
  schema: Schema,
  rows?: ArrayLike<number>,
  preprocess: PreprocessorOptions = {},
): ReferenceSpace {
  const data = rows === undefined ? table : takeRows(table, rows);
  const preprocessor = Preprocessor.fit(data, schema.features, preprocess);
  const inputs = preprocessor.inputs;
  const rawMin = new Float64Array(inputs.length).fill(Number.NaN);
  const rawMax = new Float64Array(inputs.length).fill(Number.NaN);
  const levels: string[][] = [];
  preprocessor.features.forEach((f, k) => {
    if (f.type === 'numeric') {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of getNumericColumn(data, f.name).values) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      rawMin[k] = lo;
      rawMax[k] = hi;
      levels.push([]);
    } else {
      levels.push([...f.categories, ...(f.missing === 'indicator' ? [MISSING_FEATURE_LABEL] : [])]);
    }
  });
  return { inputs, preprocessor, rawMin, rawMax, levels };
}
