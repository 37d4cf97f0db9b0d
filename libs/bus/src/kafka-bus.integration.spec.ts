import { randomBytes } from 'node:crypto';
import { defineTopic, PredictionLogged, protobufCodec } from '@ratchet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBus } from './event-bus.js';
import { createKafkaBus } from './kafka-bus.js';
import { runBusContract } from './testing/bus-contract.js';
import { gate, Inbox } from './testing/inbox.js';
import { requireKafkaBrokers, testKafkaOptions } from './testing/kafka-env.js';

const brokers = requireKafkaBrokers();

runBusContract('Kafka', () => createKafkaBus(testKafkaOptions(brokers)), { waitMs: 30_000 });

describe('the Kafka event bus against a real broker', () => {
  const buses: EventBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close({ timeoutMs: 10_000 })));
  });
  const open = () => {
    const bus = createKafkaBus(testKafkaOptions(brokers));
    buses.push(bus);
    return bus;
  };

  it('redelivers the uncommitted records of a crashed instance to the next member of the group', async () => {
    const suffix = randomBytes(5).toString('hex');
    const topic = defineTopic(`it.crash.${suffix}`, protobufCodec('ratchet.v1.PredictionLogged', PredictionLogged), (m) => m.requestId);
    const groupId = `it-crash-${suffix}`;
    const first = open();
    await first.ensureTopics([topic], { partitions: 1 });
    const seenByFirst = new Inbox<string>();
    const hang = gate();
    await first.subscribe(
      topic,
      async (m) => {
        seenByFirst.push(m.requestId);
        if (m.requestId === 'r3') await hang.promise;
      },
      { groupId, fromBeginning: true },
    );

    const ids = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const receipts = await first.publishBatch(
      topic,
      ids.map((id) => PredictionLogged.fromPartial({ requestId: id, model: 'churn' })),
    );
    await seenByFirst.waitUntil((items) => items.includes('r3'), 'the first instance to reach r3', 30_000);
    // The instance dies mid-record: the close deadline abandons the hung handler uncommitted.
    await first.close({ timeoutMs: 50 });
    hang.open();

    const second = open();
    const seenBySecond = new Inbox<{ id: string; offset: string }>();
    await second.subscribe(topic, (m, ctx) => seenBySecond.push({ id: m.requestId, offset: ctx.offset }), { groupId, fromBeginning: true });
    const got = await seenBySecond.waitUntil((items) => items.some((r) => r.id === 'r5'), 'the next member to reach r5', 30_000);

    expect(got.map((r) => r.id)).toEqual(expect.arrayContaining(['r3', 'r4', 'r5']));
    expect(got.find((r) => r.id === 'r3')!.offset).toBe(receipts[2]!.offset);
    expect(seenByFirst.items).not.toContain('r4');
  });
});
