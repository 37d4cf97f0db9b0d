import { type PredictionLogged, rawEventTensor } from '@ratchet/contracts';
import type { OutputTensor } from './model-version.js';
import type { DecodedTensor } from './tensor-codec.js';

/** Delivery counters of a sink, exported as Prometheus metrics. */
export interface SinkCounters {
  readonly offered: number;
  readonly queued: number;
  readonly delivered: number;
  readonly dropped: number;
  readonly failedAttempts: number;
}

/** Where served predictions go; `offer` must return at once and never throw. */
export interface PredictionSink {
  offer(record: PredictionLogged): void;
  /** Optional counters (a buffered Kafka publisher has them). */
  readonly counters?: SinkCounters;
}

/** Builds the `ratchet.predictions.v1` record of one served request. */
export function predictionRecord(args: {
  requestId: string;
  model: string;
  version: string;
  rows: number;
  inputs: readonly DecodedTensor[];
  outputs: readonly OutputTensor[];
  latencyMs: number;
  timestampMs: number;
  traceId: string;
  serverId: string;
}): PredictionLogged {
  return {
    requestId: args.requestId,
    model: args.model,
    version: args.version,
    rows: args.rows,
    // Raw layout: the request's own bytes when it sent raw tensors, views of typed arrays otherwise.
    inputs: args.inputs.map((t) => rawEventTensor(t.name, t.datatype, t.shape, t.raw ?? t.data)),
    outputs: args.outputs.map((t) => rawEventTensor(t.name, t.datatype, t.shape, t.data)),
    latencyMs: args.latencyMs,
    timestampMs: args.timestampMs,
    traceId: args.traceId,
    route: undefined,
    serverId: args.serverId,
  };
}
