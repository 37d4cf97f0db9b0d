import { Headers, type Topic } from '@ratchet/contracts';
import { BusError, describeError } from './errors.js';
import type { PublishOptions } from './event-bus.js';
import { traceHeadersFromActiveContext } from './traceparent.js';

/**
 * A record ready for the wire: payload encoded, key chosen, headers (including `traceparent`
 * from the context active when it was encoded) attached. Encoding at the call site keeps the
 * trace of the request that produced the record even when it is sent later in the background.
 */
export interface EncodedRecord {
  readonly topic: string;
  readonly key: string | undefined;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Encodes a message for `topic`: `topic.codec.encode`, key from `topic.key` (or `options.key`),
 * headers `ratchet-type` and `traceparent` (active OpenTelemetry context, else generated) plus
 * `options.headers`. Throws a non-retriable `BusError` when the message cannot be encoded.
 */
export function encodeRecord<T>(topic: Topic<T>, message: T, options: PublishOptions = {}): EncodedRecord {
  let value: Uint8Array;
  let key: string;
  try {
    value = topic.codec.encode(message);
    key = options.key ?? topic.key(message);
  } catch (err) {
    throw new BusError('encode-failed', `cannot encode a ${topic.codec.typeName} for ${topic.name}: ${describeError(err)}`, {
      retriable: false,
      topic: topic.name,
      cause: err,
    });
  }
  return {
    topic: topic.name,
    key,
    value,
    headers: {
      ...traceHeadersFromActiveContext(),
      ...options.headers,
      [Headers.messageType]: topic.codec.typeName,
    },
  };
}

/** Approximate size on the wire, for batching by bytes. */
export function recordSize(record: EncodedRecord): number {
  let size = record.value.byteLength + (record.key?.length ?? 0) + 32;
  for (const [name, value] of Object.entries(record.headers)) size += name.length + value.length + 8;
  return size;
}
