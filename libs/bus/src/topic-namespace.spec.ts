import { describe, expect, it } from 'vitest';
import { BusError } from './errors.js';
import { createKafkaBus } from './kafka-bus.js';
import { TopicNamespace } from './topic-namespace.js';

describe('a topic namespace', () => {
  it('prefixes topic and consumer group names on the broker', () => {
    const ns = new TopicNamespace('staging.');
    expect(ns.topic('ratchet.alerts.v1')).toBe('staging.ratchet.alerts.v1');
    expect(ns.topic('ratchet.alerts.v1.dlq')).toBe('staging.ratchet.alerts.v1.dlq');
    expect(ns.group('ratchet-monitor.ratchet.predictions.v1')).toBe('staging.ratchet-monitor.ratchet.predictions.v1');
  });

  it('leaves names as they are with the empty prefix', () => {
    const ns = new TopicNamespace('');
    expect(ns.topic('ratchet.alerts.v1')).toBe('ratchet.alerts.v1');
    expect(ns.group('g')).toBe('g');
  });

  it('rejects a prefix with characters Kafka does not allow in topic names, saying which prefix', () => {
    const error = (() => {
      try {
        return new TopicNamespace('staging/');
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(BusError);
    expect(error).toMatchObject({ code: 'invalid-argument', retriable: false });
    expect((error as Error).message).toMatch(/invalid topic prefix "staging\/": a topic prefix may only contain/);
  });

  it('rejects a topic whose prefixed name would be longer than 249 characters', () => {
    const ns = new TopicNamespace('p'.repeat(200));
    expect(() => ns.topic(`contract.${'t'.repeat(45)}`)).toThrow(/would be named 254 characters on the broker; Kafka allows 249/);
  });

  it('is checked when a Kafka bus is created, before anything connects', () => {
    expect(() => createKafkaBus({ brokers: '127.0.0.1:1', topicPrefix: 'prod deployment.' })).toThrow(/invalid topic prefix "prod deployment\."/);
    expect(() => createKafkaBus({ brokers: '127.0.0.1:1', topicPrefix: 'x'.repeat(219) })).toThrow(/at most 218 characters/);
    expect(createKafkaBus({ brokers: '127.0.0.1:1', topicPrefix: 'staging.' }).topicPrefix).toBe('staging.');
  });
});
