/**
 * Numeric feature encoding: impute missing values, then standardise,
 *   x' = (impute(x) − center) / scale,
 * with center and scale the mean and population standard deviation of the *imputed* training
 * column (the order of scikit-learn's `SimpleImputer` → `StandardScaler`).
 */

/** How missing numeric values are filled. */
export type ImputeStrategy = 'mean' | 'median';

/** Fitted parameters of one numeric feature (one design-matrix column). */
export interface NumericFeatureParams {
  readonly type: 'numeric';
  readonly name: string;
  /** Value that replaces NaN. */
  readonly fill: number;
  /** Subtracted after imputation (0 when not standardising). */
  readonly center: number;
  /** Divides after centring (1 when not standardising or when the column is constant). */
  readonly scale: number;
}

/**
 * Fits imputation and standardisation on a training column. A column with no observed value
 * gets fill 0; a constant column gets scale 1 (so it maps to 0, never to ±∞ or NaN).
 */
export function fitNumericFeature(
  name: string,
  values: Float64Array,
  impute: ImputeStrategy,
  standardize: boolean,
): NumericFeatureParams {
  const observed: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) throw new RangeError(`numeric feature '${name}' holds ${v} at row ${i}`);
    observed.push(v);
  }
  let fill = 0;
  if (observed.length > 0) fill = impute === 'mean' ? mean(observed) : median(observed);
  if (!standardize) return { type: 'numeric', name, fill, center: 0, scale: 1 };
  const n = values.length;
  const nMissing = n - observed.length;
  let sum = fill * nMissing;
  for (const v of observed) sum += v;
  const center = n > 0 ? sum / n : 0;
  let ss = (fill - center) ** 2 * nMissing;
  for (const v of observed) ss += (v - center) ** 2;
  const sd = n > 0 ? Math.sqrt(ss / n) : 0;
  // Treat a spread at rounding-noise level as constant, as scikit-learn does.
  const scale = sd > 10 * Number.EPSILON * Math.max(1, Math.abs(center)) ? sd : 1;
  return { type: 'numeric', name, fill, center, scale };
}

/** Encodes one value with fitted parameters. */
export function encodeNumeric(params: NumericFeatureParams, x: number): number {
  return ((Number.isNaN(x) ? params.fill : x) - params.center) / params.scale;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Median; the mean of the two middle values for an even count. */
function median(xs: readonly number[]): number {
  const sorted = Float64Array.from(xs).sort();
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[m] as number) : ((sorted[m - 1] as number) + (sorted[m] as number)) / 2;
}
