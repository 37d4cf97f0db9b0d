import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './config.js';
import { commonServiceConfig, loadBusConfig } from './service-config.js';

const serviceSchema = z.object({ ...commonServiceConfig });

describe('the config every service shares', () => {
  it('has no topic prefix unless RATCHET_TOPIC_PREFIX is set', () => {
    expect(loadConfig(serviceSchema, {}).RATCHET_TOPIC_PREFIX).toBe('');
    expect(loadConfig(serviceSchema, { RATCHET_TOPIC_PREFIX: '' }).RATCHET_TOPIC_PREFIX).toBe('');
  });

  it('reads the topic prefix of a deployment, trimmed', () => {
    const config = loadConfig(serviceSchema, { RATCHET_TOPIC_PREFIX: ' staging. ', KAFKA_BROKERS: 'k1:9092' });
    expect(config.RATCHET_TOPIC_PREFIX).toBe('staging.');
    expectTypeOf(config.RATCHET_TOPIC_PREFIX).toEqualTypeOf<string>();
  });

  it('rejects a topic prefix Kafka cannot use, naming the variable', () => {
    const error = (() => {
      try {
        return loadConfig(serviceSchema, { RATCHET_TOPIC_PREFIX: 'team a/' });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      {
        variable: 'RATCHET_TOPIC_PREFIX',
        message: "a topic prefix may only contain letters, digits, '.', '_' and '-' (the characters of a Kafka topic name)",
        received: 'team a/',
      },
    ]);
    expect(() => loadConfig(serviceSchema, { RATCHET_TOPIC_PREFIX: 'p'.repeat(300) })).toThrow(/RATCHET_TOPIC_PREFIX: a topic prefix may be at most 218 characters/);
  });
});

describe('the bus config of tools that talk to a deployment', () => {
  it('reads the same broker and namespace variables as the services', () => {
    expect(loadBusConfig({ KAFKA_BROKERS: 'k1:9092, k2:9092', RATCHET_TOPIC_PREFIX: 'ci-7.', RATCHET_LOG_LEVEL: 'nonsense' })).toEqual({
      KAFKA_BROKERS: ['k1:9092', 'k2:9092'],
      RATCHET_TOPIC_PREFIX: 'ci-7.',
    });
    expect(loadBusConfig({})).toEqual({ RATCHET_TOPIC_PREFIX: '' });
    expect(() => loadBusConfig({ RATCHET_TOPIC_PREFIX: 'prod:' })).toThrow(ConfigError);
  });
});
