import type { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { LabelObserved, ModelVersionPublished, PredictionLogged } from './gen/ratchet/v1/events.js';
import { Alert, LabeledExample, MetricsReport } from './gen/ratchet/v1/monitor.js';
import { PolicyUpdated } from './gen/ratchet/v1/router.js';
import { RetrainJobEvent, RetrainRequest, RolloutEvent, TrainingResult, TrainingTask } from './gen/ratchet/v1/retrainer.js';

/** Encodes and decodes one message type to and from its wire bytes. */
export interface Codec<T> {
  /** Protobuf type name, written into record headers so consumers can check it. */
  readonly typeName: string;
  encode(message: T): Uint8Array;
  /** Throws on bytes that are not a valid encoding of T. */
  decode(bytes: Uint8Array): T;
}

/** A topic bound to the one message type it carries and to the key its records use. */
export interface Topic<T> {
  readonly name: string;
  readonly codec: Codec<T>;
  /** Compacted topics keep the latest record per key (model versions, policies). */
  readonly compacted: boolean;
  /** Partitions the bus creates the topic with; undefined = the bus's default. Bounds how many members of one consumer group share the work. */
  readonly partitions?: number;
  /** The record key; records with the same key land on the same partition. */
  key(message: T): string;
}

/** Shape of a ts-proto generated message object, as far as a codec needs it. */
interface GeneratedMessage<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
}

/** Wraps a generated protobuf message as a codec. */
export function protobufCodec<T>(typeName: string, fns: GeneratedMessage<T>): Codec<T> {
  return {
    typeName,
    encode: (message) => fns.encode(message).finish(),
    decode: (bytes) => fns.decode(bytes),
  };
}

/** Declares a topic. Use the entries of {@link Topics} rather than calling this in services. */
export function defineTopic<T>(
  name: string,
  codec: Codec<T>,
  key: (message: T) => string,
  options: { compacted?: boolean; partitions?: number } = {},
): Topic<T> {
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) throw new Error(`invalid topic name: ${JSON.stringify(name)}`);
  const { partitions } = options;
  if (partitions !== undefined && !(Number.isInteger(partitions) && partitions >= 1)) {
    throw new Error(`topic ${name}: partitions must be an integer ≥ 1, got ${partitions}`);
  }
  return { name, codec, key, compacted: options.compacted ?? false, ...(partitions !== undefined ? { partitions } : {}) };
}

/**
 * The topic registry: every Kafka topic Ratchet uses, each bound to its payload type, so that
 * `bus.publish(Topics.predictions, msg)` only accepts a PredictionLogged.
 */
export const Topics = {
  predictions: defineTopic(
    'ratchet.predictions.v1',
    protobufCodec('ratchet.v1.PredictionLogged', PredictionLogged),
    (m) => m.requestId,
  ),
  feedback: defineTopic(
    'ratchet.feedback.v1',
    protobufCodec('ratchet.v1.LabelObserved', LabelObserved),
    (m) => m.requestId,
  ),
  models: defineTopic(
    'ratchet.models.v1',
    protobufCodec('ratchet.v1.ModelVersionPublished', ModelVersionPublished),
    (m) => m.model,
    { compacted: true },
  ),
  policies: defineTopic(
    'ratchet.policies.v1',
    protobufCodec('ratchet.v1.PolicyUpdated', PolicyUpdated),
    (m) => m.model,
    { compacted: true },
  ),
  labeled: defineTopic(
    'ratchet.labeled.v1',
    protobufCodec('ratchet.v1.LabeledExample', LabeledExample),
    (m) => m.requestId,
  ),
  metrics: defineTopic(
    'ratchet.metrics.v1',
    protobufCodec('ratchet.v1.MetricsReport', MetricsReport),
    (m) => m.model,
  ),
  alerts: defineTopic(
    'ratchet.alerts.v1',
    protobufCodec('ratchet.v1.Alert', Alert),
    (m) => m.model,
  ),
  // Retrainer: manual retraining requests in, job progress out (key = model).
  retrainRequests: defineTopic(
    'ratchet.retrain.requests.v1',
    protobufCodec('ratchet.v1.RetrainRequest', RetrainRequest),
    (m) => m.model,
  ),
  retrainJobs: defineTopic(
    'ratchet.retrain.jobs.v1',
    protobufCodec('ratchet.v1.RetrainJobEvent', RetrainJobEvent),
    (m) => m.model,
  ),
  // Candidate training fanned out to retrainer workers (a consumer group shares the tasks):
  // tasks keyed by run and task index so they spread over the partitions, of which there are
  // enough for a dozen workers; results keyed by run.
  retrainTasks: defineTopic(
    'ratchet.retrain.tasks.v1',
    protobufCodec('ratchet.v1.TrainingTask', TrainingTask),
    (m) => `${m.runId}/${m.taskIndex}`,
    { partitions: 12 },
  ),
  retrainResults: defineTopic(
    'ratchet.retrain.results.v1',
    protobufCodec('ratchet.v1.TrainingResult', TrainingResult),
    (m) => m.runId,
  ),
  // Canary rollouts of published versions: started, promoted, rolled back, aborted (key = model).
  rollouts: defineTopic(
    'ratchet.rollouts.v1',
    protobufCodec('ratchet.v1.RolloutEvent', RolloutEvent),
    (m) => m.model,
  ),
} as const;

export type TopicKey = keyof typeof Topics;

/** The message type carried by a topic. */
export type MessageOf<T> = T extends Topic<infer M> ? M : never;

/** Name of the dead-letter topic for a topic: records that cannot be handled go there. */
export function deadLetterTopicName(topic: Topic<unknown> | string): string {
  return `${typeof topic === 'string' ? topic : topic.name}.dlq`;
}

/** Record header names shared by every producer and consumer. */
export const Headers = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  messageType: 'ratchet-type',
  dlqReason: 'ratchet-dlq-reason',
  dlqSourceTopic: 'ratchet-dlq-source-topic',
  dlqSourcePartition: 'ratchet-dlq-source-partition',
  dlqSourceOffset: 'ratchet-dlq-source-offset',
  dlqAttempts: 'ratchet-dlq-attempts',
} as const;
