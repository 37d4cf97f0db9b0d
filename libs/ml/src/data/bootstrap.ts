/**
 * Bootstrap resampling (Efron 1979): draw rows with replacement.
 */
import type { Rng } from '../rng.js';

/** `size` row indices drawn uniformly with replacement from 0..n-1. */
export function bootstrapIndices(n: number, rng: Rng, size: number = n): Int32Array {
  if (n < 1) throw new RangeError(`bootstrapIndices: need at least one row, got ${n}`);
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.int(n);
  return out;
}

/**
 * Rows never drawn in `sample` (the out-of-bag rows), ascending. About e^-1 ≈ 36.8% of rows
 * for a sample of size n.
 */
export function outOfBagIndices(n: number, sample: Int32Array): Int32Array {
  const seen = new Uint8Array(n);
  for (let i = 0; i < sample.length; i++) seen[sample[i] as number] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (seen[i] === 0) out.push(i);
  return Int32Array.from(out);
}

/**
 * Bootstrap as integer sample weights: how many times each row was drawn. Equivalent to
 * training on the resampled rows, without copying the table.
 */
export function bootstrapCounts(n: number, rng: Rng, size: number = n): Float64Array {
  const counts = new Float64Array(n);
  for (let i = 0; i < size; i++) {
    const r = rng.int(n);
    counts[r] = (counts[r] as number) + 1;
  }
  return counts;
}
