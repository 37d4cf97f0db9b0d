import { type Column, type Table, createTable } from '@ratchet/ml';

function sharedCopy<T extends Float64Array | Int32Array>(src: T, make: (buffer: SharedArrayBuffer) => T): T {
  if (src.buffer instanceof SharedArrayBuffer) return src;
  const out = make(new SharedArrayBuffer(src.byteLength));
  out.set(src);
  return out;
}

/**
 * A copy of `table` whose column arrays live in `SharedArrayBuffer`s, so posting it to any
 * number of worker threads shares the memory instead of cloning it per worker. Category
 * lists (strings) are small and cloned. Columns already backed by shared memory are reused.
 */
export function toSharedTable(table: Table): Table {
  const columns = table.columns.map((c): Column =>
    c.type === 'numeric'
      ? { ...c, values: sharedCopy(c.values, (b) => new Float64Array(b)) }
      : { ...c, codes: sharedCopy(c.codes, (b) => new Int32Array(b)) },
  );
  return createTable(columns, table.nRows);
}
