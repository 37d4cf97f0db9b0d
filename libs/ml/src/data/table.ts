/**
 * Columnar tables: the in-memory form of tabular data throughout `@ratchet/ml`.
 *
 * Plain objects of typed arrays (no classes), so a table survives `structuredClone` and
 * `postMessage` to a worker thread unchanged.
 * - numeric column: `Float64Array`, `NaN` = missing;
 * - categorical column: `Int32Array` codes into `categories`, `-1` = missing.
 */

/** Kind of a column, as declared in a schema. */
export type ColumnType = 'numeric' | 'categorical';

/** Code used for a missing categorical value. */
export const MISSING_CODE = -1;

/** A numeric column; missing values are `NaN`. */
export interface NumericColumn {
  readonly type: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}

/** A categorical column: codes index into `categories`; missing is {@link MISSING_CODE}. */
export interface CategoricalColumn {
  readonly type: 'categorical';
  readonly name: string;
  readonly codes: Int32Array;
  readonly categories: readonly string[];
}

/** Any column. */
export type Column = NumericColumn | CategoricalColumn;

/** A set of equally long, uniquely named columns. */
export interface Table {
  readonly nRows: number;
  readonly columns: readonly Column[];
}

/** Number of rows of a column. */
export function columnLength(column: Column): number {
  return column.type === 'numeric' ? column.values.length : column.codes.length;
}

/**
 * Builds a table, checking that names are unique, lengths agree and categorical codes are in
 * range. `nRows` is required only for a table without columns.
 */
export function createTable(columns: readonly Column[], nRows?: number): Table {
  const first = columns[0];
  const n = first === undefined ? (nRows ?? 0) : columnLength(first);
  if (nRows !== undefined && nRows !== n) {
    throw new RangeError(`createTable: nRows ${nRows} does not match column length ${n}`);
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name)) throw new Error(`createTable: duplicate column name '${column.name}'`);
    seen.add(column.name);
    if (columnLength(column) !== n) {
      throw new RangeError(`createTable: column '${column.name}' has ${columnLength(column)} rows, expected ${n}`);
    }
    if (column.type === 'categorical') {
      const k = column.categories.length;
      for (let i = 0; i < n; i++) {
        const c = column.codes[i] as number;
        if (c < MISSING_CODE || c >= k) {
          throw new RangeError(`createTable: column '${column.name}' row ${i} has code ${c}, outside [-1, ${k})`);
        }
      }
    }
  }
  return { nRows: n, columns };
}

/** A numeric column from numbers; `null`/`undefined`/`NaN` become missing. */
export function numericColumn(name: string, values: ArrayLike<number | null | undefined>): NumericColumn {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? Number.NaN : v;
  }
  return { type: 'numeric', name, values: out };
}

/**
 * A categorical column from strings; `null`/`undefined` become missing. The dictionary is the
 * sorted set of distinct values (or `categories` when given; a value outside it throws).
 */
export function categoricalColumn(
  name: string,
  values: ArrayLike<string | null | undefined>,
  categories?: readonly string[],
): CategoricalColumn {
  let dict: readonly string[];
  if (categories === undefined) {
    const distinct = new Set<string>();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined) distinct.add(v);
    }
    dict = [...distinct].sort(compareStrings);
  } else {
    dict = categories;
  }
  const index = new Map<string, number>();
  dict.forEach((c, i) => index.set(c, i));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = MISSING_CODE;
      continue;
    }
    const code = index.get(v);
    if (code === undefined) throw new Error(`categoricalColumn '${name}': value '${v}' is not a declared category`);
    codes[i] = code;
  }
  return { type: 'categorical', name, codes, categories: dict };
}

/** Code-unit order, so dictionaries sort identically on every platform and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The column called `name`, or undefined. */
export function findColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

/** The column called `name`; throws naming the available columns when absent. */
export function getColumn(table: Table, name: string): Column {
  const column = findColumn(table, name);
  if (column === undefined) {
    throw new Error(`no column '${name}' (columns: ${table.columns.map((c) => c.name).join(', ')})`);
  }
  return column;
}

/** The numeric column called `name`; throws if absent or categorical. */
export function getNumericColumn(table: Table, name: string): NumericColumn {
  const column = getColumn(table, name);
  if (column.type !== 'numeric') throw new TypeError(`column '${name}' is categorical, expected numeric`);
  return column;
}

/** The categorical column called `name`; throws if absent or numeric. */
export function getCategoricalColumn(table: Table, name: string): CategoricalColumn {
  const column = getColumn(table, name);
  if (column.type !== 'categorical') throw new TypeError(`column '${name}' is numeric, expected categorical`);
  return column;
}

/** The value of a categorical cell as a string, or `null` when missing. */
export function categoryAt(column: CategoricalColumn, row: number): string | null {
  const code = column.codes[row] as number;
  return code === MISSING_CODE ? null : (column.categories[code] ?? null);
}

/**
 * The rows at `indices` (in that order, repeats allowed, as for a bootstrap sample).
 * Categorical dictionaries are shared, not re-coded, so codes stay comparable across subsets.
 */
export function takeRows(table: Table, indices: ArrayLike<number>): Table {
  const m = indices.length;
  for (let i = 0; i < m; i++) {
    const r = indices[i] as number;
    if (!(r >= 0 && r < table.nRows) || !Number.isInteger(r)) {
      throw new RangeError(`takeRows: index ${r} at position ${i} is outside [0, ${table.nRows})`);
    }
  }
  const columns = table.columns.map((column): Column => {
    if (column.type === 'numeric') {
      const values = new Float64Array(m);
      for (let i = 0; i < m; i++) values[i] = column.values[indices[i] as number] as number;
      return { type: 'numeric', name: column.name, values };
    }
    const codes = new Int32Array(m);
    for (let i = 0; i < m; i++) codes[i] = column.codes[indices[i] as number] as number;
    return { type: 'categorical', name: column.name, codes, categories: column.categories };
  });
  return { nRows: m, columns };
}

/** Rows `start` (inclusive) to `end` (exclusive). */
export function sliceRows(table: Table, start: number, end: number = table.nRows): Table {
  const lo = Math.max(0, Math.min(start, table.nRows));
  const hi = Math.max(lo, Math.min(end, table.nRows));
  const idx = new Int32Array(hi - lo);
  for (let i = 0; i < idx.length; i++) idx[i] = lo + i;
  return takeRows(table, idx);
}

/** A table with only the named columns, in the given order. */
export function selectColumns(table: Table, names: readonly string[]): Table {
  return { nRows: table.nRows, columns: names.map((n) => getColumn(table, n)) };
}

/** Row indices where `keep(row)` is true. */
export function filterRows(nRows: number, keep: (row: number) => boolean): Int32Array {
  const out = new Int32Array(nRows);
  let m = 0;
  for (let i = 0; i < nRows; i++) if (keep(i)) out[m++] = i;
  return out.slice(0, m);
}
