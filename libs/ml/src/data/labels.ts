/**
 * Label and weight extraction: schema roles → dense `Float64Array`s for training.
 */
import type { Schema } from './schema.js';
import { type Table, MISSING_CODE, filterRows, getColumn, getNumericColumn } from './table.js';

/**
 * Binary labels y ∈ {0, 1}: 1 where the label column equals `schema.positiveClass`.
 * A categorical label must contain the positive class in its dictionary (catches typos);
 * a numeric label is compared with `Number(positiveClass)`. Throws on a missing label —
 * drop those rows first with {@link rowsWithLabel}.
 */
export function extractLabels(table: Table, schema: Pick<Schema, 'label' | 'positiveClass'>): Float64Array {
  const column = getColumn(table, schema.label);
  const y = new Float64Array(table.nRows);
  if (column.type === 'categorical') {
    const positive = column.categories.indexOf(schema.positiveClass);
    if (positive < 0) {
      throw new Error(
        `label '${schema.label}' has no class '${schema.positiveClass}' (classes: ${column.categories.join(', ')})`,
      );
    }
    for (let i = 0; i < table.nRows; i++) {
      const code = column.codes[i] as number;
      if (code === MISSING_CODE) throw new Error(`label '${schema.label}' is missing at row ${i}`);
      y[i] = code === positive ? 1 : 0;
    }
    return y;
  }
  const positive = Number(schema.positiveClass);
  if (Number.isNaN(positive)) {
    throw new Error(`label '${schema.label}' is numeric but positive class '${schema.positiveClass}' is not a number`);
  }
  for (let i = 0; i < table.nRows; i++) {
    const v = column.values[i] as number;
    if (Number.isNaN(v)) throw new Error(`label '${schema.label}' is missing at row ${i}`);
    y[i] = v === positive ? 1 : 0;
  }
  return y;
}

/** Indices of rows whose label is present. */
export function rowsWithLabel(table: Table, schema: Pick<Schema, 'label'>): Int32Array {
  const column = getColumn(table, schema.label);
  return column.type === 'categorical'
    ? filterRows(table.nRows, (i) => column.codes[i] !== MISSING_CODE)
    : filterRows(table.nRows, (i) => !Number.isNaN(column.values[i] as number));
}

/**
 * Sample weights from `schema.weight`, or `undefined` when the schema has none.
 * Throws on a missing, negative or non-finite weight.
 */
export function extractWeights(table: Table, schema: Pick<Schema, 'weight'>): Float64Array | undefined {
  if (schema.weight === undefined) return undefined;
  const values = getNumericColumn(table, schema.weight).values;
  for (let i = 0; i < values.length; i++) {
    const w = values[i] as number;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight '${schema.weight}' is ${w} at row ${i}`);
  }
  return values.slice();
}

/** Throws unless `weights` is absent or holds `n` finite non-negative values with a positive sum. */
export function checkWeights(weights: Float64Array | undefined, n: number, context: string): void {
  if (weights === undefined) return;
  if (weights.length !== n) throw new RangeError(`${context}: ${weights.length} weights for ${n} rows`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`${context}: weight ${w} at row ${i}`);
    sum += w;
  }
  if (!(sum > 0)) throw new RangeError(`${context}: weights sum to zero`);
}
