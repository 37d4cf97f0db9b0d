/**
 * Temporal batches for retraining: rows in time order cut into B contiguous blocks.
 *
 * - disjoint batches Δ_1, …, Δ_B: block b alone;
 * - prefix batches D_1 ⊂ D_2 ⊂ … ⊂ D_B with D_b = Δ_1 ∪ … ∪ Δ_b (all data seen up to b).
 */

/**
 * Boundaries of B near-equal blocks of `n` items: `bounds[b]..bounds[b+1]`. The first
 * `n mod B` blocks get one extra row.
 */
export function batchBounds(n: number, nBatches: number): Int32Array {
  if (!Number.isInteger(nBatches) || nBatches < 1) throw new RangeError(`nBatches must be a positive integer, got ${nBatches}`);
  if (nBatches > n) throw new RangeError(`cannot cut ${n} rows into ${nBatches} non-empty batches`);
  const bounds = new Int32Array(nBatches + 1);
  const base = Math.floor(n / nBatches);
  const extra = n % nBatches;
  for (let b = 0; b < nBatches; b++) bounds[b + 1] = (bounds[b] as number) + base + (b < extra ? 1 : 0);
  return bounds;
}

/** Disjoint consecutive batches Δ_b of `order` (row indices in time order). */
export function disjointBatches(order: Int32Array, nBatches: number): Int32Array[] {
  const bounds = batchBounds(order.length, nBatches);
  const out: Int32Array[] = [];
  for (let b = 0; b < nBatches; b++) out.push(order.slice(bounds[b] as number, bounds[b + 1] as number));
  return out;
}

/** Nested prefix batches D_b = Δ_1 ∪ … ∪ Δ_b of `order` (row indices in time order). */
export function prefixBatches(order: Int32Array, nBatches: number): Int32Array[] {
  const bounds = batchBounds(order.length, nBatches);
  const out: Int32Array[] = [];
  for (let b = 0; b < nBatches; b++) out.push(order.slice(0, bounds[b + 1] as number));
  return out;
}
