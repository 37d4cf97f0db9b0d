import { type Tensor, type TensorElements, eventTensorElements, rawElementSize, rawEventTensor } from '@ratchet/contracts';

/**
 * Rows [offset, offset + count) of an event tensor whose first dimension is the batch of
 * `rows` rows, in the raw layout. Fixed-size datatypes slice the raw bytes without copying;
 * BYTES walks the length prefixes; typed `contents` are decoded and re-encoded.
 */
export function sliceTensorRows(t: Tensor, rows: number, offset: number, count: number): Tensor {
  const shape = t.shape.length > 0 ? [count, ...t.shape.slice(1)] : [count];
  if (offset === 0 && count === rows) return t;
  const size = rawElementSize(t.datatype);
  if (t.rawContents.length > 0 && size !== undefined) {
    const rowBytes = t.rawContents.length / rows;
    return { ...t, shape, contents: undefined, rawContents: t.rawContents.subarray(offset * rowBytes, (offset + count) * rowBytes) };
  }
  const all = eventTensorElements(t);
  const perRow = all.length / rows;
  const part = all.slice(offset * perRow, (offset + count) * perRow) as TensorElements;
  return rawEventTensor(t.name, t.datatype, shape, part);
}

/** Per-row feature columns of a request, as the drift window takes them. */
export interface FeatureColumns {
  readonly numeric: Record<string, ArrayLike<number>>;
  readonly categorical: Record<string, readonly (string | null)[]>;
}

/**
 * The request's inputs with one element per row ([N] or [N,1]) as feature columns: BYTES as
 * categorical, every numeric datatype as numbers. Other shapes and undecodable tensors are
 * skipped (a drift profile describes scalar columns only).
 */
export function featureColumns(inputs: readonly Tensor[], rows: number): FeatureColumns {
  const numeric: Record<string, ArrayLike<number>> = {};
  const categorical: Record<string, readonly (string | null)[]> = {};
  for (const t of inputs) {
    let e: TensorElements;
    try {
      e = eventTensorElements(t);
    } catch {
      continue;
    }
    if (e.length !== rows) continue;
    // An empty string is how clients send a missing category.
    if (Array.isArray(e)) categorical[t.name] = e.map((v) => (v === '' ? null : v));
    else if (e instanceof BigInt64Array || e instanceof BigUint64Array) numeric[t.name] = Float64Array.from(e, Number);
    else numeric[t.name] = e;
  }
  return { numeric, categorical };
}
