import { basename } from 'node:path';
import type { ColumnInput } from '@ratchet/inference-client';
import {
  type AgrawalFunction,
  type Schema,
  type Table,
  categoryAt,
  extractLabels,
  getColumn,
  inferSchema,
  makeAgrawalStream,
  sliceRows,
  takeRows,
  temporalOrder,
} from '@ratchet/ml';
import { readLabelledCsv } from '../onnx-scoring.js';

/** The drift a source injects into its stream. */
export interface InjectedDrift {
  /** Stream row where it happens (abrupt) or is half-way (gradual). */
  readonly at: number;
  /**
   * Row the run measures detection delays from: `at` for an abrupt drift, the start of the
   * transition (`at − width/2`, where ~12 % of rows follow the new concept) for a gradual one.
   */
  readonly onset: number;
  readonly kind: 'abrupt' | 'gradual';
  /** Rows of the transition (gradual). */
  readonly width: number;
  /** What changes, in words. */
  readonly description: string;
}

/** What `ratchet up` streams: bootstrap rows, then the rows sent through the router, in order. */
export interface LoopSource {
  /** Registry model name. */
  readonly model: string;
  readonly description: string;
  readonly schema: Schema;
  /** Rows the first model is trained on (never streamed). */
  readonly train: Table;
  /** Rows sent through the router, in order. */
  readonly stream: Table;
  /** Ground truth of each streamed row (1 = positive class), sent late as feedback. */
  readonly labels: Float64Array;
  /** Undefined for a user's data: nothing is injected. */
  readonly drift?: InjectedDrift;
  /** Identifies how the bootstrap rows were made, so a rerun can reuse the same first version. */
  readonly recipe: string;
}

/** Options of {@link agrawalSource}. */
export interface AgrawalSourceOptions {
  readonly rows: number;
  readonly driftAt: number;
  readonly drift: 'abrupt' | 'gradual';
  readonly driftWidth: number;
  readonly seed: number;
  readonly trainRows: number;
  /** Default 1 → 2 (age bands → age-dependent salary bands). */
  readonly concept?: AgrawalFunction;
  readonly driftTo?: AgrawalFunction;
  /** Covariate shift of the new concept's rows (age), so data drift shows too. Default 0.5. */
  readonly featureShift?: number;
}

/**
 * The built-in stream: the Agrawal loan generator with the concept switching from function
 * `concept` to `driftTo` at `driftAt` (abrupt or gradual), and the new concept's applicants
 * older (`featureShift`). The first model trains on `trainRows` separate rows of the old concept.
 */
export function agrawalSource(o: AgrawalSourceOptions): LoopSource {
  const concept = o.concept ?? 1;
  const driftTo = o.driftTo ?? 2;
  const featureShift = o.featureShift ?? 0.5;
  if (!(o.driftAt > 0 && o.driftAt < o.rows)) throw new RangeError(`--drift-at must be inside the stream (1..${o.rows - 1}), got ${o.driftAt}`);
  const train = makeAgrawalStream({ nRows: o.trainRows, seed: o.seed * 2 + 1, concept });
  const stream = makeAgrawalStream({
    nRows: o.rows,
    seed: o.seed * 2 + 2,
    concept,
    driftTo,
    driftAt: o.driftAt,
    drift: o.drift,
    driftWidth: o.driftWidth,
    featureShift,
  });
  return {
    model: 'agrawal',
    description: `Agrawal loan stream, ${o.rows} rows, function F${concept} → F${driftTo} (${o.drift}${o.drift === 'gradual' ? `, width ${o.driftWidth}` : ''}) at row ${o.driftAt}`,
    schema: stream.schema,
    train: train.table,
    stream: stream.table,
    labels: extractLabels(stream.table, stream.schema),
    drift: {
      at: o.driftAt,
      onset: o.drift === 'abrupt' ? o.driftAt : Math.max(0, o.driftAt - Math.floor(o.driftWidth / 2)),
      kind: o.drift,
      width: o.driftWidth,
      description: `labels switch from F${concept} to F${driftTo}${featureShift > 0 ? `, applicants older (age shift ${featureShift})` : ''}${o.drift === 'gradual' ? `; gradual over ${o.driftWidth} rows, half-way at row ${o.driftAt}` : ''}`,
    },
    recipe: `agrawal F${concept} seed ${o.seed} train ${o.trainRows}`,
  };
}

/** Options of {@link csvSource}. */
export interface CsvSourceOptions {
  readonly label: string;
  readonly positive?: string;
  /** Rows are replayed in this column's order (else in file order). */
  readonly time?: string;
  /** Leading rows the first model trains on. */
  readonly trainRows: number;
  /** At most this many rows are streamed after them. */
  readonly rows?: number;
}

/**
 * A user's CSV replayed in order (by `time` when given): the schema is inferred, the first
 * `trainRows` rows bootstrap the model and the rest are streamed, without injected drift.
 */
export function csvSource(path: string, text: string, o: CsvSourceOptions): LoopSource {
  const data = readLabelledCsv(text, o.label, o.positive);
  const order = temporalOrder(data.table, o.time);
  const table = takeRows(data.table, order);
  const y = Float64Array.from(order, (r) => data.y[r] as number);
  if (table.nRows < o.trainRows + 100) throw new Error(`${path}: ${table.nRows} labelled rows; need more than --train-rows ${o.trainRows} + 100 to stream`);
  const schema = inferSchema(table, { label: o.label, positiveClass: data.positiveClass, ...(o.time ? { time: o.time } : {}) });
  const end = o.rows ? Math.min(table.nRows, o.trainRows + o.rows) : table.nRows;
  const name = basename(path).replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-') || 'data';
  return {
    model: name,
    description: `${path}: ${end - o.trainRows} rows replayed in ${o.time ? `'${o.time}'` : 'file'} order, label '${o.label}' (positive '${data.positiveClass}')`,
    schema,
    train: sliceRows(table, 0, o.trainRows),
    stream: sliceRows(table, o.trainRows, end),
    labels: y.slice(o.trainRows, end),
    recipe: `csv ${basename(path)} ${table.nRows} rows label ${o.label} train ${o.trainRows}`,
  };
}

/**
 * Rows [lo, hi) of a table as request inputs, one tensor per schema feature: numeric columns
 * as FP32 (NaN = missing), categorical ones as BYTES ('' = missing).
 */
export function requestColumns(table: Table, schema: Schema, lo: number, hi: number): ColumnInput[] {
  return schema.features.map((f) => {
    const col = getColumn(table, f.name);
    if (col.type === 'numeric') return { name: f.name, datatype: 'FP32', values: Float32Array.from(col.values.subarray(lo, hi)) };
    const values: string[] = [];
    for (let i = lo; i < hi; i++) values.push(categoryAt(col, i) ?? '');
    return { name: f.name, datatype: 'BYTES', values };
  });
}
