import { deadLetterTopicName, defineTopic, Headers, type Codec, type Topic } from '@ratchet/contracts';
import type { IncomingRecord } from './delivery.js';
import type { EncodedRecord } from './encoded-record.js';

/** Type name of {@link rawBytesCodec}: consumers with it accept records of any declared type. */
export const RAW_BYTES_TYPE = 'bytes';

/** Passes bytes through untouched: DLQ records keep the original value whatever its type. */
export const rawBytesCodec: Codec<Uint8Array> = {
  typeName: RAW_BYTES_TYPE,
  encode: (message) => message,
  decode: (bytes) => bytes,
};

/**
 * The dead-letter topic of `topic`, typed as raw bytes: subscribe to it to inspect or replay
 * failed records (the original value, key and headers plus the `ratchet-dlq-*` headers).
 */
export function deadLetterTopic(topic: Topic<unknown> | string): Topic<Uint8Array> {
  return defineTopic(deadLetterTopicName(topic), rawBytesCodec, () => '');
}

/** Where a failed record came from and why it failed. */
export interface DeadLetterCause extends Omit<IncomingRecord, 'timestamp'> {
  readonly reason: string;
  readonly attempts: number;
}

const MAX_REASON = 1000;

/** The record written to `<topic>.dlq`: original key, value and headers plus reason, source and attempts. */
export function deadLetterRecord(cause: DeadLetterCause): EncodedRecord {
  return {
    topic: deadLetterTopicName(cause.topic),
    key: cause.key,
    value: cause.value,
    headers: {
      ...cause.headers,
      [Headers.dlqReason]: cause.reason.length > MAX_REASON ? `${cause.reason.slice(0, MAX_REASON)}…` : cause.reason,
      [Headers.dlqSourceTopic]: cause.topic,
      [Headers.dlqSourcePartition]: String(cause.partition),
      [Headers.dlqSourceOffset]: cause.offset,
      [Headers.dlqAttempts]: String(cause.attempts),
    },
  };
}
