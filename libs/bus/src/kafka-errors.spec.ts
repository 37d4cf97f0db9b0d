import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { BusError } from './errors.js';
import { translateKafkaError } from './kafka-errors.js';

const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

/** kafkajs builds protocol errors from a decoded error-code entry; its typings only admit `Error`. */
function protocolError(entry: { message: string; type: string; code: number; retriable: boolean }) {
  return new KafkaJSProtocolError(Object.assign(new Error(entry.message), entry));
}

describe('translating kafkajs errors', () => {
  it('keeps a connection failure retriable even after kafkajs gave up retrying it', () => {
    const gaveUp = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:19092'), {
      retryCount: 5,
      retryTime: 2000,
    });
    const error = translateKafkaError(gaveUp, 'cannot publish 3 record(s) to t', 't');
    expect(error).toBeInstanceOf(BusError);
    expect(error).toMatchObject({ code: 'connection', retriable: true, topic: 't' });
    expect(error.message).toMatch(/cannot publish 3 record\(s\) to t: .*ECONNREFUSED/);
  });

  it('marks a missing topic as unknown-topic', () => {
    const missing = protocolError({ message: 'This server does not host this topic-partition', type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true });
    expect(translateKafkaError(missing, 'publish', 'x')).toMatchObject({ code: 'unknown-topic', retriable: true });
  });

  it('keeps a non-retriable kafkajs error non-retriable', () => {
    const tooLarge = protocolError({ message: 'The request included a message larger than the max message size', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false });
    expect(translateKafkaError(tooLarge, 'publish')).toMatchObject({ code: 'broker', retriable: false });
    expect(translateKafkaError(new KafkaJSNonRetriableError('bad'), 'publish').retriable).toBe(false);
  });

  it('passes our own errors through unchanged', () => {
    const ours = new BusError('closed', 'the bus is closed', { retriable: false });
    expect(translateKafkaError(ours, 'publish')).toBe(ours);
  });
});
