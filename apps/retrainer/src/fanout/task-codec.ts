import { type TaskColumn, type Tensor, type Topic, type TrainingResult, type TrainingTask, eventTensorElements, rawEventTensor, shapeElementCount } from '@ratchet/contracts';
import { type Column, type Table, type TrainResult, type TrainSpec, createTable } from '@ratchet/ml';
import type { CompactTask, TrainOutcome, TrainTask } from '@ratchet/training';

/**
 * Largest record the fan-out publishes by default: Kafka's default `message.max.bytes`
 * (1,048,588 bytes) less room for the key, headers and batch framing.
 */
export const DEFAULT_MAX_RECORD_BYTES = 1_000_000;

/** What the coordinator and the workers share: the two topics, the record limit and a clock. */
export interface FanoutTransportOptions {
  /** Default `Topics.retrainTasks` / `Topics.retrainResults` (tests pass their own). */
  readonly tasksTopic?: Topic<TrainingTask>;
  readonly resultsTopic?: Topic<TrainingResult>;
  /** Largest record this side publishes. Default {@link DEFAULT_MAX_RECORD_BYTES}. */
  readonly maxRecordBytes?: number;
  readonly now?: () => number;
}

/** A training task that cannot be decoded: a retry cannot help, so the bus dead-letters it. */
export class TaskDecodeError extends Error {
  override readonly name = 'TaskDecodeError';
  readonly retriable = false;
}

/** Which run and task a message belongs to, for task messages. */
export interface TaskAddress {
  readonly runId: string;
  readonly jobId: string;
  readonly taskIndex: number;
  readonly taskCount: number;
  readonly attempt: number;
}

/** Narrowest integer datatype of the OIP raw layout that holds values in [min, max]. */
function intDatatype(min: number, max: number): 'UINT8' | 'UINT16' | 'INT8' | 'INT16' | 'INT32' {
  if (min >= 0) return max <= 0xff ? 'UINT8' : max <= 0xffff ? 'UINT16' : 'INT32';
  return min >= -0x80 && max <= 0x7f ? 'INT8' : min >= -0x8000 && max <= 0x7fff ? 'INT16' : 'INT32';
}

function intTensor(name: string, values: ArrayLike<number>, min: number, max: number): Tensor {
  const datatype = intDatatype(min, max);
  const data =
    datatype === 'UINT8'
      ? Uint8Array.from(values)
      : datatype === 'UINT16'
        ? Uint16Array.from(values)
        : datatype === 'INT8'
          ? Int8Array.from(values)
          : datatype === 'INT16'
            ? Int16Array.from(values)
            : Int32Array.from(values);
  return rawEventTensor(name, datatype, [values.length], data);
}

/** FP32 when every value (NaN included) survives float32, which halves the bytes; FP64 otherwise. */
function numericTensor(name: string, values: Float64Array): Tensor {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Math.fround(v) !== v && !Number.isNaN(v)) return rawEventTensor(name, 'FP64', [values.length], values);
  }
  return rawEventTensor(name, 'FP32', [values.length], Float32Array.from(values));
}

function columnMessage(column: Column): TaskColumn {
  if (column.type === 'numeric') return { name: column.name, categorical: false, values: numericTensor(column.name, column.values), categories: [] };
  return {
    name: column.name,
    categorical: true,
    values: intTensor(column.name, column.codes, -1, Math.max(0, column.categories.length - 1)),
    categories: [...column.categories],
  };
}

/**
 * The message of a compacted task ({@link compactTask}): columns as typed-array bytes (see
 * `TaskColumn` in `proto/ratchet/v1/retrainer.proto`), the spec as JSON without its rows, and
 * the training and evaluation rows as the narrowest integer tensors that hold them.
 */
export function trainingTaskMessage({ table, task }: CompactTask, address: TaskAddress, publishedAtMs: number): TrainingTask {
  const { rows, ...spec } = task.spec;
  const maxRow = Math.max(0, table.nRows - 1);
  return {
    ...address,
    nRows: table.nRows,
    columns: table.columns.map(columnMessage),
    specJson: JSON.stringify(spec),
    trainRows: rows === undefined ? undefined : intTensor('train_rows', rows, 0, maxRow),
    evaluateRows: task.evaluateRows === undefined ? undefined : intTensor('evaluate_rows', task.evaluateRows, 0, maxRow),
    publishedAtMs,
  };
}

function elements(t: Tensor, what: string, count: number, allowed: readonly string[]): ArrayLike<number> {
  if (!allowed.includes(t.datatype)) throw new Error(`${what} has datatype ${t.datatype}, expected one of ${allowed.join(', ')}`);
  const data = eventTensorElements(t);
  if (Array.isArray(data) || data instanceof BigInt64Array || data instanceof BigUint64Array) throw new Error(`${what} is not numeric`);
  if (data.length !== count) throw new Error(`${what} has ${data.length} elements, expected ${count}`);
  return data;
}

const INT_TYPES = ['UINT8', 'UINT16', 'INT8', 'INT16', 'INT32'] as const;

function rowList(t: Tensor, what: string, nRows: number): Int32Array {
  const rows = Int32Array.from(elements(t, what, shapeElementCount(t.shape), INT_TYPES));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    if (r < 0 || r >= nRows) throw new Error(`${what}[${i}] = ${r} is outside [0, ${nRows})`);
  }
  return rows;
}

/**
 * The table and {@link TrainTask} a task message carries. Throws a {@link TaskDecodeError}
 * (not retriable: the bus dead-letters the record) naming the run, task and what is wrong.
 */
export function decodeTrainingTask(msg: TrainingTask): CompactTask {
  try {
    const n = msg.nRows;
    const columns = msg.columns.map((c): Column => {
      if (c.values === undefined) throw new Error(`column '${c.name}' has no values`);
      if (!c.categorical) return { type: 'numeric', name: c.name, values: Float64Array.from(elements(c.values, `column '${c.name}'`, n, ['FP32', 'FP64'])) };
      return { type: 'categorical', name: c.name, codes: Int32Array.from(elements(c.values, `column '${c.name}'`, n, INT_TYPES)), categories: c.categories };
    });
    const table: Table = createTable(columns, n);
    const spec = JSON.parse(msg.specJson) as Omit<TrainSpec, 'rows'>;
    if (typeof spec !== 'object' || spec === null || typeof spec.schema !== 'object' || typeof spec.model?.kind !== 'string') {
      throw new Error('spec_json is not a training spec (schema, model.kind)');
    }
    const task: TrainTask = {
      spec: { ...spec, ...(msg.trainRows !== undefined ? { rows: rowList(msg.trainRows, 'train_rows', n) } : {}) },
      ...(msg.evaluateRows !== undefined ? { evaluateRows: rowList(msg.evaluateRows, 'evaluate_rows', n) } : {}),
    };
    return { table, task };
  } catch (err) {
    throw new TaskDecodeError(`training task ${msg.taskIndex} of run ${msg.runId} (job ${msg.jobId}) is malformed: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

/** Which worker answered, how long training took and when it finished. */
export interface ResultMeta {
  readonly workerId: string;
  readonly trainMs: number;
  readonly finishedAtMs: number;
}

function resultBase(task: TrainingTask, meta: ResultMeta): Omit<TrainingResult, 'ok' | 'resultJson' | 'predictions' | 'error'> {
  return { runId: task.runId, jobId: task.jobId, taskIndex: task.taskIndex, attempt: task.attempt, ...meta };
}

/** The result message of a trained task: the TrainResult as JSON, P(y = 1) on its evaluate rows as FP64. */
export function trainingResultMessage(task: TrainingTask, outcome: TrainOutcome, meta: ResultMeta): TrainingResult {
  const p = outcome.predictions;
  return {
    ...resultBase(task, meta),
    ok: true,
    resultJson: JSON.stringify(outcome.result),
    predictions: p === undefined ? undefined : rawEventTensor('predictions', 'FP64', [p.length], p),
    error: '',
  };
}

/** The result message of a task whose training failed for a reason another attempt would meet again. */
export function failedResultMessage(task: TrainingTask, error: string, meta: ResultMeta): TrainingResult {
  return { ...resultBase(task, meta), ok: false, resultJson: '', predictions: undefined, error };
}

/** The outcome a successful result message carries; throws naming the task when it is malformed. */
export function decodeTrainingResult(msg: TrainingResult): TrainOutcome {
  try {
    const result = JSON.parse(msg.resultJson) as TrainResult;
    if (typeof result !== 'object' || result === null || typeof result.pipeline !== 'object' || typeof result.nTrainRows !== 'number') {
      throw new Error('result_json is not a TrainResult (pipeline, nTrainRows)');
    }
    const p = msg.predictions;
    if (p === undefined) return { result };
    return { result, predictions: Float64Array.from(elements(p, 'predictions', shapeElementCount(p.shape), ['FP64'])) };
  } catch (err) {
    throw new Error(`result of training task ${msg.taskIndex} of run ${msg.runId} from worker ${msg.workerId} is malformed: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

/** Bytes of `message` encoded for `topic` (the record value; key and headers come on top). */
export function encodedBytes<T>(topic: Topic<T>, message: T): number {
  return topic.codec.encode(message).byteLength;
}
