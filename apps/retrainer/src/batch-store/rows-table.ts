import { type Column, type FeatureSpec, type Table, categoricalColumn, createTable, numericColumn } from '@ratchet/ml';
import type { FeatureValue, LabeledRow, ReadTableOptions } from './batch-store.js';

/** Features seen in the rows, numeric unless some value is a string, in first-seen order. */
export function inferFeatureSpecs(rows: readonly LabeledRow[]): FeatureSpec[] {
  const types = new Map<string, 'numeric' | 'categorical'>();
  for (const r of rows) {
    for (const [name, v] of Object.entries(r.features)) {
      const t = types.get(name);
      if (typeof v === 'string') types.set(name, 'categorical');
      else if (t === undefined) types.set(name, 'numeric');
    }
  }
  return [...types].map(([name, type]) => ({ name, type }));
}

function numberOf(v: FeatureValue | undefined): number {
  if (v === null || v === undefined || v === '') return Number.NaN;
  return typeof v === 'number' ? v : Number(v);
}

function categoryOf(v: FeatureValue | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  return String(v);
}

/**
 * Labelled rows as a table: one column per feature (a missing value becomes missing), the
 * label column (numeric 0/1 when the positive class is a number, else categorical with the
 * positive class and `not <positive class>`), and optionally a time column.
 */
export function rowsToTable(rows: readonly LabeledRow[], options: ReadTableOptions = {}): Table {
  const { labelColumn = 'label', positiveClass = '1' } = options;
  const specs = options.features ?? inferFeatureSpecs(rows);
  const columns: Column[] = specs.map((f) =>
    f.type === 'numeric'
      ? numericColumn(f.name, Float64Array.from(rows, (r) => numberOf(r.features[f.name])))
      : categoricalColumn(f.name, rows.map((r) => categoryOf(r.features[f.name]))),
  );
  const numericLabel = positiveClass.trim() !== '' && !Number.isNaN(Number(positiveClass));
  if (numericLabel) {
    const positive = Number(positiveClass);
    const negative = positive === 0 ? 1 : 0;
    columns.push(numericColumn(labelColumn, Float64Array.from(rows, (r) => (r.label === 1 ? positive : negative))));
  } else {
    const negative = `not ${positiveClass}`;
    columns.push(categoricalColumn(labelColumn, rows.map((r) => (r.label === 1 ? positiveClass : negative)), [negative, positiveClass].sort()));
  }
  if (options.timeColumn !== undefined) columns.push(numericColumn(options.timeColumn, Float64Array.from(rows, (r) => r.timeMs)));
  return createTable(columns, rows.length);
}
