import { type FeatureSpec, type Schema, type Table, extractLabels, takeRows } from '@ratchet/ml';
import { type LabelledTable, gatingSplit } from '@ratchet/pareto';
import type { BatchTable } from '../batch-store/batch-store.js';
import type { HeldOutSplits } from './publishing-rule.js';

/** Options of {@link trainingData}. */
export interface TrainingDataOptions {
  /** Latest fraction of all rows held out from training: gate fit, calibration, test (a third each). */
  readonly holdoutFraction: number;
  /** A prefix batch needs at least this many training rows (smaller leading batches are merged). */
  readonly minBatchRows: number;
  readonly seed: number;
}

/** A job's data: prefix batches for the selection and the held-out splits for the Pareto check. */
export interface TrainingData {
  readonly table: Table;
  readonly schema: Schema;
  /** Row lists of the prefix batches (batch b = every training row up to the end of store batch b). */
  readonly batches: readonly Int32Array[];
  readonly trainRows: number;
  readonly splits: HeldOutSplits;
}

/** Unique by name, first wins. */
export function mergeFeatures(...lists: readonly (readonly FeatureSpec[])[]): FeatureSpec[] {
  const seen = new Map<string, FeatureSpec>();
  for (const list of lists) for (const f of list) if (!seen.has(f.name)) seen.set(f.name, f);
  return [...seen.values()];
}

/**
 * Splits the rows of the job's batches (in store order, i.e. time order): the latest
 * `holdoutFraction` is held out and cut, stratified and seeded, into gate fit, calibration and
 * test thirds; the rest forms prefix batches (SVML paper §2.4: f_b is trained on all data up
 * to batch b), each ending where a store batch ends.
 */
export function trainingData(bt: BatchTable, schema: Schema, options: TrainingDataOptions): TrainingData {
  const { table } = bt;
  const n = table.nRows;
  const nHold = Math.round(n * options.holdoutFraction);
  const trainEnd = n - nHold;
  if (nHold < 30) throw Object.assign(new Error(`only ${nHold} held-out rows of ${n}: not enough to check Pareto safety`), { retriable: false });
  const batches: Int32Array[] = [];
  let end = 0;
  for (const b of bt.batches) {
    end = Math.min(end + b.rows.length, trainEnd);
    const prev = batches.at(-1)?.length ?? 0;
    if (end - prev < options.minBatchRows && end < trainEnd) continue;
    if (end > prev) batches.push(Int32Array.from({ length: end }, (_, i) => i));
  }
  if (batches.length === 0 || (batches.at(-1)?.length ?? 0) < options.minBatchRows) {
    throw Object.assign(new Error(`only ${trainEnd} training rows: need at least ${options.minBatchRows}`), { retriable: false });
  }
  const holdRows = Int32Array.from({ length: nHold }, (_, i) => trainEnd + i);
  const held = takeRows(table, holdRows);
  const y = extractLabels(held, schema);
  const parts = gatingSplit(y, { fitFraction: 1 / 3, calibrationFraction: 1 / 3, seed: options.seed });
  const part = (rows: Int32Array): LabelledTable => ({ table: takeRows(held, rows), y: Float64Array.from(rows, (r) => y[r] as number) });
  return {
    table,
    schema,
    batches,
    trainRows: trainEnd,
    splits: { fit: part(parts.fit), calibration: part(parts.calibration), test: part(parts.model) },
  };
}
