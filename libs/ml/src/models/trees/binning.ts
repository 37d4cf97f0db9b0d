import { Rng } from '../../rng.js';
import { float32SplitThreshold } from './float32-threshold.js';

/** Bin code given to NaN; value bins are 0 .. {@link MAX_VALUE_BINS} − 1. */
export const MISSING_BIN = 255;
/** At most 255 value bins per feature, so a bin code fits a byte next to {@link MISSING_BIN}. */
export const MAX_VALUE_BINS = 255;

/**
 * Per-feature quantile bin edges. Value bin `b` of feature `f` holds the x with
 * `edges[f][b−1] <= fround(x) < edges[f][b]` (missing ends as ±∞), so "bin ≤ b" is exactly the
 * tree branch rule `fround(x) < edges[f][b]` and a histogram split maps to a float32 threshold.
 */
export interface BinMapper {
  readonly nFeatures: number;
  /** Ascending float32 edges per feature; feature f has `edges[f].length + 1` value bins. */
  readonly edges: readonly Float32Array[];
}

/** Options of {@link fitBinMapper}. */
export interface BinMapperOptions {
  /** Value bins per feature, 2..255. Default 255. */
  maxBins?: number;
  /** Rows sampled (seeded) to place the edges when there are more. Default 200 000. */
  sampleRows?: number;
  seed?: number;
}

/**
 * Places up to `maxBins − 1` edges per feature at quantiles of the non-missing values
 * (the histogram approximation of LightGBM, Ke et al. 2017 §2, and XGBoost `hist`).
 * With at most `maxBins` distinct values every value gets its own bin (edges at float32
 * midpoints), so binned and exact split search agree. Otherwise the walk over distinct
 * values cuts whenever the running count reaches its share of the rows left, so a heavy
 * value never swallows its neighbours' bins.
 */
export function fitBinMapper(X: Float64Array, nRows: number, nFeatures: number, options: BinMapperOptions = {}): BinMapper {
  const { maxBins = MAX_VALUE_BINS, sampleRows = 200_000, seed = 0 } = options;
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_VALUE_BINS) {
    throw new RangeError(`binning: maxBins must be an integer in 2..${MAX_VALUE_BINS}, got ${maxBins}`);
  }
  let rows: Int32Array;
  if (nRows > sampleRows) {
    rows = new Rng(seed).permutation(nRows).subarray(0, sampleRows).sort();
  } else {
    rows = new Int32Array(nRows);
    for (let i = 0; i < nRows; i++) rows[i] = i;
  }
  const values = new Float64Array(rows.length);
  const edges: Float32Array[] = [];
  for (let f = 0; f < nFeatures; f++) {
    let m = 0;
    for (let k = 0; k < rows.length; k++) {
      const x = Math.fround(X[(rows[k] as number) * nFeatures + f] as number);
      if (x === x) values[m++] = x;
    }
    const sorted = values.subarray(0, m).sort();
    // Distinct float32 values and their counts.
    const distinct: number[] = [];
    const counts: number[] = [];
    for (let k = 0; k < m; k++) {
      const v = sorted[k] as number;
      if (distinct.length > 0 && distinct[distinct.length - 1] === v) counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
      else {
        distinct.push(v);
        counts.push(1);
      }
    }
    const cut: number[] = [];
    if (distinct.length <= maxBins) {
      for (let k = 0; k + 1 < distinct.length; k++) cut.push(float32SplitThreshold(distinct[k] as number, distinct[k + 1] as number));
    } else {
      let remaining = m;
      let binsLeft = maxBins;
      let inBin = 0;
      for (let k = 0; k + 1 < distinct.length && binsLeft > 1; k++) {
        const c = counts[k] as number;
        inBin += c;
        remaining -= c;
        if (inBin >= (remaining + inBin) / binsLeft) {
          cut.push(float32SplitThreshold(distinct[k] as number, distinct[k + 1] as number));
          binsLeft--;
          inBin = 0;
        }
      }
    }
    edges.push(Float32Array.from(cut));
  }
  return { nFeatures, edges };
}

/** Bin code of one value: the number of edges `<= fround(x)`, or {@link MISSING_BIN} for NaN. */
export function binValue(edges: Float32Array, x: number): number {
  if (x !== x) return MISSING_BIN;
  const v = Math.fround(x);
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bins a row-major matrix into a row-major `Uint8Array` of the same shape. */
export function binMatrix(mapper: BinMapper, X: Float64Array, nRows: number): Uint8Array {
  const d = mapper.nFeatures;
  const out = new Uint8Array(nRows * d);
  for (let f = 0; f < d; f++) {
    const e = mapper.edges[f] as Float32Array;
    for (let i = 0; i < nRows; i++) out[i * d + f] = binValue(e, X[i * d + f] as number);
  }
  return out;
}
