import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { defineTopic, Headers, PredictionLogged, protobufCodec, type Topic } from '@ratchet/contracts';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deadLetterTopic } from './dead-letter.js';
import { BusError } from './errors.js';
import type { EventBus, MessageContext } from './event-bus.js';
import { createKafkaBus } from './kafka-bus.js';
import { runBusContract } from './testing/bus-contract.js';
import { Inbox } from './testing/inbox.js';
import { requireKafkaBrokers, testKafkaOptions } from './testing/kafka-env.js';

const brokers = requireKafkaBrokers();
const WAIT_MS = 30_000;

/** A prefix of its own per run, so runs against a long-lived broker never share topics. */
const runPrefix = (label: string) => `it-ns-${label}-${randomBytes(4).toString('hex')}.`;

// Everything the bus promises holds inside a namespace too, with handlers, receipts,
// subscriptions and errors naming the registry's topics.
runBusContract('Kafka (namespaced by a topic prefix)', () => createKafkaBus({ ...testKafkaOptions(brokers), topicPrefix: runPrefix('contract') }), {
  waitMs: WAIT_MS,
});

const predictionCodec = protobufCodec('ratchet.v1.PredictionLogged', PredictionLogged);

function predictionsTopic(label: string, options: { partitions?: number; compacted?: boolean } = {}): Topic<PredictionLogged> {
  return defineTopic(`it.ns.${label}.${randomBytes(4).toString('hex')}`, predictionCodec, (m) => m.requestId, options);
}

const prediction = (requestId: string) => PredictionLogged.fromPartial({ requestId, model: 'churn', version: '1.0.0' });

describe('Kafka buses with topic prefixes on one broker', () => {
  const buses: EventBus[] = [];
  const admin = new kafkajs.Kafka({ brokers: brokers.split(','), clientId: 'bus-namespace-test', logLevel: kafkajs.logLevel.NOTHING }).admin();
  let adminConnected: Promise<void> | undefined;
  const brokerAdmin = async () => {
    adminConnected ??= admin.connect();
    await adminConnected;
    return admin;
  };
  const open = (topicPrefix = '') => {
    const bus = createKafkaBus({ ...testKafkaOptions(brokers), topicPrefix });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close({ timeoutMs: 10_000 })));
  });
  afterAll(async () => {
    if (adminConnected) await admin.disconnect();
  });

  it('keeps the records of two deployments apart, even under the same topic and group names', async () => {
    const topic = predictionsTopic('apart', { partitions: 1 });
    const groupId = `it-ns-apart-${randomBytes(4).toString('hex')}`;
    const a = open(runPrefix('a'));
    const b = open(runPrefix('b'));
    await a.ensureTopics([topic]);
    await b.ensureTopics([topic]);
    const seenByA = new Inbox<string>();
    const seenByB = new Inbox<string>();
    await a.subscribe(topic, (m) => seenByA.push(m.requestId), { groupId, fromBeginning: true });
    await b.subscribe(topic, (m) => seenByB.push(m.requestId), { groupId, fromBeginning: true });

    // Interleaved so that, were the names shared, each side's last record would follow the
    // other side's records in the one partition and could not arrive without them.
    await a.publishBatch(topic, [prediction('a1'), prediction('a2')]);
    await b.publishBatch(topic, [prediction('b1'), prediction('b2')]);
    await a.publish(topic, prediction('a3'));
    await b.publish(topic, prediction('b3'));

    await seenByA.waitUntil((ids) => ids.includes('a3'), "deployment a's last record", WAIT_MS);
    await seenByB.waitUntil((ids) => ids.includes('b3'), "deployment b's last record", WAIT_MS);
    expect(seenByA.items).toEqual(['a1', 'a2', 'a3']);
    expect(seenByB.items).toEqual(['b1', 'b2', 'b3']);
  });

  it('writes to <prefix><topic> on the broker while receipts and handlers name the registry topic', async () => {
    const prefix = runPrefix('wire');
    const topic = predictionsTopic('wire');
    const namespaced = open(prefix);
    await namespaced.ensureTopics([topic]);
    const own = new Inbox<MessageContext>();
    const subscription = await namespaced.subscribe(topic, (_m, ctx) => own.push(ctx), { groupId: 'it-ns-wire-own', fromBeginning: true });

    const receipt = await namespaced.publish(topic, prediction('r1'));
    expect(receipt.topic).toBe(topic.name);
    expect(subscription.topic).toBe(topic.name);
    expect(subscription.groupId).toBe('it-ns-wire-own');
    const [ctx] = await own.waitForCount(1, WAIT_MS);
    expect(ctx!.topic).toBe(topic.name);

    // A bus without a prefix sees the same record under the broker's name.
    const onBroker = defineTopic(`${prefix}${topic.name}`, predictionCodec, (m) => m.requestId);
    const raw = new Inbox<{ id: string; ctx: MessageContext }>();
    await open().subscribe(onBroker, (m, c) => raw.push({ id: m.requestId, ctx: c }), { groupId: `it-ns-wire-raw-${randomBytes(4).toString('hex')}`, fromBeginning: true });
    const [seen] = await raw.waitForCount(1, WAIT_MS);
    expect(seen!.id).toBe('r1');
    expect(seen!.ctx.topic).toBe(onBroker.name);
    expect(seen!.ctx.partition).toBe(receipt.partition);
    expect(seen!.ctx.offset).toBe(receipt.offset);
  });

  it('dead-letters into <prefix><topic>.dlq, naming the registry topic as the source', async () => {
    const prefix = runPrefix('dlq');
    const topic = predictionsTopic('dlq');
    const namespaced = open(prefix);
    await namespaced.ensureTopics([topic]);
    await namespaced.subscribe(
      topic,
      () => {
        throw new BusError('handler-failed', 'unknown model version', { retriable: false });
      },
      { groupId: 'it-ns-dlq', fromBeginning: true },
    );
    const poison = await namespaced.publish(topic, prediction('poison'));

    const dead = new Inbox<MessageContext>();
    await open().subscribe(deadLetterTopic(`${prefix}${topic.name}`), (_m, ctx) => dead.push(ctx), {
      groupId: `it-ns-dlq-raw-${randomBytes(4).toString('hex')}`,
      fromBeginning: true,
    });
    const [ctx] = await dead.waitForCount(1, WAIT_MS);
    expect(ctx!.topic).toBe(`${prefix}${topic.name}.dlq`);
    expect(ctx!.key).toBe('poison');
    expect(ctx!.headers[Headers.dlqSourceTopic]).toBe(topic.name);
    expect(ctx!.headers[Headers.dlqSourceOffset]).toBe(poison.offset);
    expect(ctx!.headers[Headers.dlqReason]).toMatch(/not retriable.*unknown model version/);
  });

  it("creates the prefixed topics with the registry's compaction and partition counts, and no unprefixed ones", async () => {
    const prefix = runPrefix('create');
    const compacted = predictionsTopic('compacted', { compacted: true, partitions: 2 });
    const plain = predictionsTopic('plain', { partitions: 5 });
    await open(prefix).ensureTopics([compacted, plain]);

    const kafka = await brokerAdmin();
    const names = [compacted.name, `${compacted.name}.dlq`, plain.name, `${plain.name}.dlq`].map((n) => `${prefix}${n}`);
    const { topics } = await kafka.fetchTopicMetadata({ topics: names });
    expect(Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]))).toEqual({
      [`${prefix}${compacted.name}`]: 2,
      [`${prefix}${compacted.name}.dlq`]: 2,
      [`${prefix}${plain.name}`]: 5,
      [`${prefix}${plain.name}.dlq`]: 5,
    });
    const configs = await kafka.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })),
    });
    const policy = Object.fromEntries(configs.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]));
    expect(policy).toEqual({
      [`${prefix}${compacted.name}`]: 'compact',
      [`${prefix}${compacted.name}.dlq`]: 'delete',
      [`${prefix}${plain.name}`]: 'delete',
      [`${prefix}${plain.name}.dlq`]: 'delete',
    });
    const existing = new Set(await kafka.listTopics());
    expect([compacted.name, plain.name].filter((n) => existing.has(n))).toEqual([]);
  });
});
