import type { SpanContext } from '@opentelemetry/api';
import { type PredictionLogged, type Tensor, Topics, eventTensorElements, type TensorElements } from '@ratchet/contracts';
import { InvalidRecordError } from '../errors.js';

/** What the monitor keeps of one `PredictionLogged` record. */
export interface ServedPrediction {
  readonly requestId: string;
  readonly model: string;
  readonly version: string;
  /** The route arm for a route record; '' for a record written by a prediction server. */
  readonly arm: string;
  /** True for the router's route record (the answer the client got), false for a member's. */
  readonly routed: boolean;
  readonly rows: number;
  /** Predicted class (or value) per row. */
  readonly predicted: Float64Array;
  /** Probability of the positive class per row, when the model outputs probabilities. */
  readonly probability: Float64Array | undefined;
  readonly inputs: readonly Tensor[];
  readonly latencyMs: number;
  readonly timestampMs: number;
  readonly traceId: string;
  /**
   * Where the monitor's later spans for this record (the join) hang in the request's trace: the
   * record's ingest span, or the record's own span context when no span was recorded.
   */
  readonly spanContext?: SpanContext | undefined;
}

function toFloat64(e: TensorElements, what: string, requestId: string): Float64Array {
  if (Array.isArray(e)) throw new InvalidRecordError(Topics.predictions.name, `${what} is a BYTES tensor; expected numbers`, requestId);
  const out = new Float64Array(e.length);
  for (let i = 0; i < e.length; i++) out[i] = Number(e[i]);
  return out;
}

function elements(t: Tensor, requestId: string): TensorElements {
  try {
    return eventTensorElements(t);
  } catch (err) {
    throw new InvalidRecordError(Topics.predictions.name, `output '${t.name}' cannot be decoded: ${(err as Error).message}`, requestId);
  }
}

/**
 * Validates a prediction record and extracts per-row predictions. Outputs follow the model
 * format: `probabilities` [N,C] (positive class = column 1 when C = 2, column 0 when C = 1) and
 * `label` [N]; a model with neither gives its first output as a per-row value (regression).
 * Throws {@link InvalidRecordError} (sent to the DLQ) for records that can never be joined.
 * `spanContext` is kept as {@link ServedPrediction.spanContext}.
 */
export function servedPrediction(record: PredictionLogged, spanContext?: SpanContext): ServedPrediction {
  const topic = Topics.predictions.name;
  const id = record.requestId;
  if (!id) throw new InvalidRecordError(topic, 'empty request_id');
  if (!record.model) throw new InvalidRecordError(topic, 'empty model', id);
  if (!record.version) throw new InvalidRecordError(topic, `model '${record.model}': empty version`, id);
  const rows = record.rows;
  if (!(rows > 0)) throw new InvalidRecordError(topic, `${record.model}@${record.version}: rows must be ≥ 1, got ${rows}`, id);
  const probaT = record.outputs.find((t) => t.name === 'probabilities');
  const labelT = record.outputs.find((t) => t.name === 'label');
  let probability: Float64Array | undefined;
  if (probaT) {
    const p = toFloat64(elements(probaT, id), 'probabilities', id);
    if (p.length % rows !== 0) {
      throw new InvalidRecordError(topic, `${record.model}@${record.version}: probabilities has ${p.length} elements for ${rows} rows`, id);
    }
    const classes = p.length / rows;
    const col = classes >= 2 ? 1 : 0;
    probability = new Float64Array(rows);
    for (let i = 0; i < rows; i++) probability[i] = p[i * classes + col] as number;
  }
  let predicted: Float64Array;
  if (labelT) {
    predicted = toFloat64(elements(labelT, id), 'label', id);
  } else if (probability) {
    predicted = new Float64Array(rows);
    for (let i = 0; i < rows; i++) predicted[i] = (probability[i] as number) >= 0.5 ? 1 : 0;
  } else {
    const first = record.outputs[0];
    if (!first) throw new InvalidRecordError(topic, `${record.model}@${record.version}: no outputs`, id);
    predicted = toFloat64(elements(first, id), `output '${first.name}'`, id);
  }
  if (predicted.length !== rows) {
    throw new InvalidRecordError(topic, `${record.model}@${record.version}: ${predicted.length} predictions for ${rows} rows`, id);
  }
  return {
    requestId: id,
    model: record.model,
    version: record.version,
    arm: record.route?.arm ?? '',
    routed: record.route !== undefined,
    rows,
    predicted,
    probability,
    inputs: record.inputs,
    latencyMs: record.latencyMs,
    timestampMs: record.timestampMs,
    traceId: record.traceId,
    spanContext,
  };
}
