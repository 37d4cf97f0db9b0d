import { describe, expect, it } from 'vitest';
import { ConfigError } from '@ratchet/service-kit';
import { openBus } from './runtime.js';

describe('openBus', () => {
  it('rejects a RATCHET_TOPIC_PREFIX Kafka cannot use, naming the variable, before connecting', async () => {
    // Port 1 answers nothing: reaching the broker would fail differently.
    const error = await openBus('runtime-spec', { env: { KAFKA_BROKERS: '127.0.0.1:1', RATCHET_TOPIC_PREFIX: 'prod deployment.' } }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(['RATCHET_TOPIC_PREFIX']);
  });

  it('rejects a bad prefix given directly, naming it', async () => {
    await expect(openBus('runtime-spec', { brokers: '127.0.0.1:1', topicPrefix: 'a:b' })).rejects.toThrow(/invalid topic prefix "a:b"/);
  });

  it('opens the in-memory bus without brokers, whatever the prefix', async () => {
    const bus = await openBus('runtime-spec', { env: { RATCHET_TOPIC_PREFIX: 'staging.' } });
    try {
      expect(bus.kind).toBe('memory');
    } finally {
      await bus.close();
    }
  });
});
