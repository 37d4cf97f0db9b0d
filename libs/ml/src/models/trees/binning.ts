import { Rng } from '../../rng.js';
import { float32SplitThreshold } from './float32-threshold.js';

/**
 * At most 255 value bins per feature. A feature with `k` value bins (codes 0..k−1) codes NaN
 * as `k` (see {@link missingBin}), so every code fits a byte.
 */
export const MAX_VALUE_BINS = 255;

/** The NaN code of a feature with these edges: one past its last value bin. */
export function missingBin(edges: Float32Array): number {
  return edges.length + 1;
}

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
  // Copy float32 values (what trees compare, and what the radix sort handles) a block of
  // features at a time: one sequential pass over the rows per block instead of a cache-missing
  // strided read per feature.
  const m = rows.length;
  const block = Math.min(nFeatures, FEATURE_BLOCK);
  const columns = new Float32Array(block * m);
  const filled = new Int32Array(block);
  const scratch = new Uint32Array(m);
  const edges: Float32Array[] = [];
  for (let f0 = 0; f0 < nFeatures; f0 += block) {
    const width = Math.min(block, nFeatures - f0);
    filled.fill(0);
    for (let k = 0; k < m; k++) {
      const base = (rows[k] as number) * nFeatures + f0;
      for (let j = 0; j < width; j++) {
        const x = X[base + j] as number;
        if (x === x) columns[j * m + (filled[j] as number)++] = x;
      }
    }
    for (let j = 0; j < width; j++) {
      const column = columns.subarray(j * m, j * m + (filled[j] as number));
      radixSortFloat32(column, scratch);
      edges.push(featureEdges(column, maxBins));
    }
  }
  return { nFeatures, edges };
}

/**
 * Sorts NaN-free float32 values ascending in place by a 4-pass LSD radix sort on their bit
 * patterns (flip all bits of negatives, the sign bit of the rest: unsigned order = float
 * order). About 10× faster than `Float32Array.prototype.sort` in V8 for 32k values.
 * `scratch` must hold at least `values.length` entries.
 */
function radixSortFloat32(values: Float32Array, scratch: Uint32Array): void {
  const n = values.length;
  let src = new Uint32Array(values.buffer, values.byteOffset, n);
  let dst = scratch.subarray(0, n);
  for (let i = 0; i < n; i++) {
    const b = src[i] as number;
    src[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
  }
  const counts = new Int32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const digit = ((src[i] as number) >>> shift) & 255;
      counts[digit] = (counts[digit] as number) + 1;
    }
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = counts[b] as number;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = src[i] as number;
      const digit = (key >>> shift) & 255;
      const at = counts[digit] as number;
      counts[digit] = at + 1;
      dst[at] = key;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  // After an even number of passes the keys are back in `values`' buffer.
  for (let i = 0; i < n; i++) {
    const k = src[i] as number;
    src[i] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
}

/** Features whose values are gathered per pass over the rows in {@link fitBinMapper}. */
const FEATURE_BLOCK = 32;

/** Edges of one feature from its sorted non-missing float32 values (see {@link fitBinMapper}). */
function featureEdges(sorted: Float32Array, maxBins: number): Float32Array {
  const m = sorted.length;
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
  return Float32Array.from(cut);
}

/** Bin code of one value: the number of edges `<= fround(x)`, or {@link missingBin} for NaN. */
export function binValue(edges: Float32Array, x: number): number {
  if (x !== x) return edges.length + 1;
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
  const { edges } = mapper;
  for (let k = 0, i = 0; i < nRows; i++) {
    for (let f = 0; f < d; f++, k++) out[k] = binValue(edges[f] as Float32Array, X[k] as number);
  }
  return out;
}
