import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { defineTopic, PredictionLogged, protobufCodec } from '@ratchet/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferedPublisher } from './buffered-publisher.js';
import { createKafkaBus, type KafkaBus } from './kafka-bus.js';
import { Inbox } from './testing/inbox.js';
import { loadBrokerControl, requireKafkaBrokers, testKafkaOptions, type BrokerControl } from './testing/kafka-env.js';

// Same precondition as every integration test, although this one restarts a broker of its own
// (stopping the shared one would break the other suites running beside it).
requireKafkaBrokers();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('the buffered publisher across a broker restart', () => {
  const broker = { port: 0, controllerPort: 0, dataDir: mkdtempSync(join(tmpdir(), 'ratchet-bus-restart-')) };
  let bus: KafkaBus | undefined;
  let control: BrokerControl;
  const kafkaUp = (options: typeof broker) => control.kafkaUp(options);
  const kafkaDown = (options: typeof broker & { wipe?: boolean }) => control.kafkaDown(options);

  beforeAll(async () => {
    control = await loadBrokerControl();
    broker.port = await freePort();
    broker.controllerPort = await freePort();
    await kafkaUp(broker);
  });
  afterAll(async () => {
    await bus?.close({ timeoutMs: 5_000 });
    await kafkaDown({ ...broker, wipe: true });
  });

  it('delivers every record offered while the broker was down, exactly as offered, once it is back', async () => {
    const brokers = `127.0.0.1:${broker.port}`;
    bus = createKafkaBus({ ...testKafkaOptions(brokers), producerRetries: 2, connectionTimeoutMs: 1_000 });
    const topic = defineTopic(
      `it.restart.${randomBytes(5).toString('hex')}`,
      protobufCodec('ratchet.v1.PredictionLogged', PredictionLogged),
      (m) => m.requestId,
    );
    await bus.ensureTopics([topic], { partitions: 3 });
    const publisher = new BufferedPublisher(bus, { backoff: { initialMs: 100, maxMs: 1_000 } });
    const message = (i: number) =>
      PredictionLogged.fromPartial({ requestId: `req-${i}`, model: 'churn', version: '2.1.0', rows: 1, latencyMs: i / 8, serverId: 'p-0' });
    const offered = Array.from({ length: 60 }, (_, i) => message(i));

    for (const m of offered.slice(0, 20)) expect(publisher.offer(topic, m)).toBe(true);
    expect(await publisher.flush({ timeoutMs: 30_000 })).toBe(true);

    await kafkaDown(broker);
    const failed = once(publisher.events, 'attempt-failed');
    const started = performance.now();
    for (const m of offered.slice(20)) expect(publisher.offer(topic, m)).toBe(true);
    // offer never waits for the broker.
    expect(performance.now() - started).toBeLessThan(50);
    await failed;
    expect(publisher.counters.queued).toBeGreaterThan(0);

    await kafkaUp(broker);
    expect(await publisher.flush({ timeoutMs: 60_000 })).toBe(true);
    expect(publisher.counters).toMatchObject({ offered: 60, dropped: 0, queued: 0 });
    expect(publisher.counters.delivered).toBeGreaterThanOrEqual(60);
    expect(publisher.counters.failedAttempts).toBeGreaterThanOrEqual(1);

    const received = new Inbox<PredictionLogged>();
    await bus.subscribe(topic, (m) => received.push(m), { groupId: `it-restart-${randomBytes(4).toString('hex')}`, fromBeginning: true });
    const ids = (items: readonly PredictionLogged[]) => new Set(items.map((m) => m.requestId));
    await received.waitUntil((items) => ids(items).size === 60, 'all 60 records', 60_000);
    for (const m of offered) expect(received.items.find((r) => r.requestId === m.requestId)).toEqual(m);
  });
});
