/**
 * Categorical feature encoding: one-hot over the categories seen in training.
 *
 * - an unseen category encodes as all zeros (it carries no evidence either way);
 * - a missing value either gets its own indicator column (`missing: 'indicator'`, the
 *   default: missingness is often informative) or encodes as all zeros (`'ignore'`).
 */
import { type CategoricalColumn, MISSING_CODE, compareStrings } from '../data/table.js';

/** How a missing categorical value is encoded. */
export type CategoricalMissing = 'indicator' | 'ignore';

/** Fitted parameters of one categorical feature. */
export interface CategoricalFeatureParams {
  readonly type: 'categorical';
  readonly name: string;
  /** One design-matrix column per category, in this order (sorted by code unit). */
  readonly categories: readonly string[];
  /** With `'indicator'`, one more column after the categories flags a missing value. */
  readonly missing: CategoricalMissing;
}

/** Options for {@link fitCategoricalFeature}. */
export interface CategoricalFitOptions {
  readonly missing: CategoricalMissing;
  /** Categories seen fewer times are treated as unseen. Default 1. */
  readonly minCount?: number;
  /** Keep only the most frequent categories (ties by name). Default unlimited. */
  readonly maxCategories?: number;
}

/** The label of the missing-indicator column in feature names. */
export const MISSING_FEATURE_LABEL = '<missing>';

/** Fits the one-hot dictionary of a training column. */
export function fitCategoricalFeature(column: CategoricalColumn, options: CategoricalFitOptions): CategoricalFeatureParams {
  const { minCount = 1, maxCategories = Number.POSITIVE_INFINITY } = options;
  const counts = new Float64Array(column.categories.length);
  for (let i = 0; i < column.codes.length; i++) {
    const c = column.codes[i] as number;
    if (c !== MISSING_CODE) counts[c] = (counts[c] as number) + 1;
  }
  let kept = column.categories
    .map((name, code) => ({ name, count: counts[code] as number }))
    .filter((c) => c.count >= Math.max(1, minCount));
  if (kept.length > maxCategories) {
    kept = kept.sort((a, b) => b.count - a.count || compareStrings(a.name, b.name)).slice(0, maxCategories);
  }
  const categories = kept.map((c) => c.name).sort(compareStrings);
  return { type: 'categorical', name: column.name, categories, missing: options.missing };
}

/** Number of design-matrix columns of a fitted categorical feature. */
export function categoricalWidth(params: CategoricalFeatureParams): number {
  return params.categories.length + (params.missing === 'indicator' ? 1 : 0);
}

/**
 * For each code of `column`'s dictionary, the one-hot position it sets (−1 = unseen), and the
 * position for a missing value (−1 when ignored). Lets transform run without string lookups per row.
 */
export function categoricalCodeMap(
  params: CategoricalFeatureParams,
  column: CategoricalColumn,
): { byCode: Int32Array; missing: number } {
  const position = new Map<string, number>();
  params.categories.forEach((c, i) => position.set(c, i));
  const byCode = new Int32Array(column.categories.length);
  column.categories.forEach((c, code) => (byCode[code] = position.get(c) ?? -1));
  return { byCode, missing: params.missing === 'indicator' ? params.categories.length : -1 };
}
