/**
 * The I/O edge of `ratchet compare` and `ratchet gate`: read a labelled CSV, run an ONNX
 * classifier with raw-column inputs over it in onnxruntime, and turn tables into the
 * manifest shape `ratchet publish --manifest` accepts.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import {
  type ColumnType,
  type FeatureSpec,
  type Table,
  extractLabels,
  getColumn,
  parseCsv,
  rowsWithLabel,
  takeRows,
  toOnnxInputs,
} from '@ratchet/ml';

/** Scores of one ONNX classifier on a table. */
export interface OnnxScores {
  /** P(y = 1): column 1 of `probabilities`. */
  readonly proba: Float64Array;
  /** The `label` output (0/1). */
  readonly label: Float64Array;
  /** The `arm` output of a gated-pair composite, when the model has one. */
  readonly arm?: Uint8Array;
}

/** An ONNX classifier loaded into onnxruntime, with the raw columns it reads. */
export interface OnnxClassifier {
  readonly path: string;
  readonly session: InferenceSession;
  readonly inputs: readonly FeatureSpec[];
}

/** Loads an `.onnx` classifier; its inputs must be FP32 (numeric) or string (categorical) `[N,1]`. */
export async function loadOnnxClassifier(path: string): Promise<OnnxClassifier> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(path);
  } catch (err) {
    throw new Error(`cannot load ONNX model ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const inputs: FeatureSpec[] = session.inputMetadata.map((m) => {
    if (!m.isTensor || (m.type !== 'float32' && m.type !== 'string')) {
      throw new Error(`${path}: input '${m.name}' is not an FP32 or string tensor; only raw-column classifiers can be compared`);
    }
    return { name: m.name, type: m.type === 'float32' ? 'numeric' : 'categorical' };
  });
  for (const out of ['label', 'probabilities']) {
    if (!session.outputNames.includes(out)) throw new Error(`${path}: no '${out}' output (outputs: ${session.outputNames.join(', ')})`);
  }
  return { path, session, inputs };
}

/** Runs a classifier on every row of `table` (columns matched by name). */
export async function scoreOnnx(model: OnnxClassifier, table: Table): Promise<OnnxScores> {
  const feeds: Record<string, Tensor> = {};
  for (const spec of model.inputs) {
    if (!table.columns.some((c) => c.name === spec.name)) throw new Error(`${model.path}: the data has no column '${spec.name}'`);
  }
  for (const [name, input] of Object.entries(toOnnxInputs(table, model.inputs, ''))) {
    feeds[name] = new Tensor(input.type, input.data, [...input.dims]);
  }
  const out = await model.session.run(feeds);
  const probabilities = out['probabilities']?.data as Float32Array;
  const label = out['label']?.data as BigInt64Array;
  const arm = out['arm']?.data as BigInt64Array | undefined;
  const n = table.nRows;
  return {
    proba: Float64Array.from({ length: n }, (_, i) => probabilities[2 * i + 1] as number),
    label: Float64Array.from(label, Number),
    ...(arm !== undefined ? { arm: Uint8Array.from(arm, Number) } : {}),
  };
}

/** A labelled CSV: rows with a label, their 0/1 labels and the positive class used. */
export interface LabelledCsv {
  readonly table: Table;
  readonly y: Float64Array;
  readonly positiveClass: string;
  /** Rows dropped for a missing label. */
  readonly dropped: number;
}

/**
 * Reads a CSV whose `types` columns are forced to the given types (so a numeric-looking code
 * a model reads as a string stays a string), drops rows without a label, and encodes labels:
 * 1 where the label equals `positive`. Default positive class: `1` for a numeric label, else
 * the larger of exactly two classes in string order (e.g. `>50K` over `<=50K`).
 */
export function readLabelledCsv(text: string, label: string, positive: string | undefined, types: readonly FeatureSpec[] = []): LabelledCsv {
  const columnTypes: Record<string, ColumnType> = {};
  for (const t of types) columnTypes[t.name] = t.type;
  let table = parseCsv(text, { columnTypes });
  if (!table.columns.some((c) => c.name === label)) {
    throw new Error(`no label column '${label}' (columns: ${table.columns.map((c) => c.name).join(', ')})`);
  }
  const rows = rowsWithLabel(table, { label });
  const dropped = table.nRows - rows.length;
  if (dropped > 0) table = takeRows(table, rows);
  const column = getColumn(table, label);
  let positiveClass = positive;
  if (positiveClass === undefined) {
    if (column.type === 'numeric') positiveClass = '1';
    else {
      const present = [...new Set(Array.from(column.codes).map((c) => column.categories[c] as string))].sort();
      if (present.length !== 2) {
        throw new Error(`label '${label}' has ${present.length} classes (${present.slice(0, 5).join(', ')}); pass --positive`);
      }
      positiveClass = present[1] as string;
    }
  }
  return { table, y: extractLabels(table, { label, positiveClass }), positiveClass, dropped };
}

/** A manifest input entry for a raw column (numeric columns accept NaN: the graph imputes). */
export function manifestInputs(inputs: readonly FeatureSpec[]): { name: string; datatype: string; shape: number[]; allowNan: boolean }[] {
  return inputs.map((f) =>
    f.type === 'numeric'
      ? { name: f.name, datatype: 'FP32', shape: [-1, 1], allowNan: true }
      : { name: f.name, datatype: 'BYTES', shape: [-1, 1], allowNan: false },
  );
}
