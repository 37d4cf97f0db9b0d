import { type LabeledExample, type TensorElements, eventTensorElements } from '@ratchet/contracts';
import { type Table, categoryAt } from '@ratchet/ml';
import type { FeatureValue, LabeledRow } from './batch-store.js';

/** Why a labelled example could not be turned into rows (never retriable: the record is bad). */
export class LabeledExampleError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'LabeledExampleError';
  }
}

function elementAt(e: TensorElements, i: number): FeatureValue {
  const v = e[i];
  if (v === undefined) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  const n = Number(v);
  return Number.isNaN(n) ? null : n;
}

/**
 * The rows of a `LabeledExample`: one row per label, features from the inputs with one element
 * per row (`[N]` or `[N,1]`; BYTES as categories, numbers as numbers; an empty string or NaN is
 * missing), key `<request id>#<request row>` so a redelivered record is stored once.
 */
export function labeledExampleRows(e: LabeledExample): LabeledRow[] {
  const n = e.labels.length;
  if (n === 0) return [];
  if (e.requestId === '') throw new LabeledExampleError(`labelled example of model ${e.model} has no request id`);
  const columns: [string, TensorElements][] = [];
  for (const t of e.inputs) {
    let values: TensorElements;
    try {
      values = eventTensorElements(t);
    } catch (err) {
      throw new LabeledExampleError(`request ${e.requestId} (model ${e.model}): input '${t.name}' cannot be decoded: ${(err as Error).message}`);
    }
    if (values.length !== n) {
      throw new LabeledExampleError(`request ${e.requestId} (model ${e.model}): input '${t.name}' has ${values.length} elements for ${n} labelled rows`);
    }
    columns.push([t.name, values]);
  }
  const timeMs = Number(e.labeledAtMs) || Number(e.predictedAtMs) || 0;
  return e.labels.map((y, i) => {
    const features: Record<string, FeatureValue> = {};
    for (const [name, values] of columns) features[name] = elementAt(values, i);
    return { key: `${e.requestId}#${e.rowOffset + i}`, timeMs, features, label: y === 1 ? 1 : 0 };
  });
}

/**
 * Rows of a labelled table (a bulk import): every column except the label, labels from `y`
 * (1 = positive), keys `<keyPrefix>#<row>` (use the file's content hash so re-importing the
 * same file adds nothing), time `timeMs` plus the row index so the file's order is kept.
 */
export function tableRows(table: Table, y: ArrayLike<number>, options: { keyPrefix: string; label: string; timeMs: number }): LabeledRow[] {
  const columns = table.columns.filter((c) => c.name !== options.label);
  return Array.from({ length: table.nRows }, (_, i) => {
    const features: Record<string, FeatureValue> = {};
    for (const c of columns) {
      if (c.type === 'numeric') {
        const v = c.values[i] as number;
        features[c.name] = Number.isNaN(v) ? null : v;
      } else features[c.name] = categoryAt(c, i);
    }
    return { key: `${options.keyPrefix}#${i}`, timeMs: options.timeMs + i, features, label: y[i] === 1 ? 1 : 0 };
  });
}
