/** Per-feature affine standardisation z = (x − mean) / scale. */
export interface Standardizer {
  readonly mean: Float64Array;
  /** Population standard deviation; 1 for constant features so they contribute 0. */
  readonly scale: Float64Array;
}

/** Fits mean and population standard deviation per column of a row-major n×dim matrix. */
export function fitStandardizer(features: Float64Array, dim: number): Standardizer {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`fitStandardizer: dim must be ≥ 1, got ${dim}`);
  if (features.length % dim !== 0 || features.length === 0) {
    throw new RangeError(`fitStandardizer: ${features.length} values is not a positive multiple of dim=${dim}`);
  }
  const n = features.length / dim;
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] = (mean[j] ?? 0) + (features[i * dim + j] ?? 0) / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const d = (features[i * dim + j] ?? 0) - (mean[j] ?? 0);
      scale[j] = (scale[j] ?? 0) + (d * d) / n;
    }
  }
  for (let j = 0; j < dim; j++) {
    const sd = Math.sqrt(scale[j] ?? 0);
    scale[j] = sd > 0 ? sd : 1;
  }
  return { mean, scale };
}

/** Applies a standardiser to a row-major n×dim matrix, returning a new array. */
export function standardize(features: Float64Array, standardizer: Standardizer): Float64Array {
  const dim = standardizer.mean.length;
  if (features.length % dim !== 0) {
    throw new RangeError(`standardize: ${features.length} values is not a multiple of dim=${dim}`);
  }
  const out = new Float64Array(features.length);
  for (let i = 0; i < features.length; i++) {
    const j = i % dim;
    out[i] = ((features[i] ?? 0) - (standardizer.mean[j] ?? 0)) / (standardizer.scale[j] ?? 1);
  }
  return out;
}
