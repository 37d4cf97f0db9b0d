import { defineTopic, ModelVersionPublished, protobufCodec, Topics } from '@ratchet/contracts';
import { describe, expect, it } from 'vitest';
import { createMemoryBus } from './memory-bus.js';
import { runBusContract } from './testing/bus-contract.js';
import { Inbox } from './testing/inbox.js';

runBusContract('in-memory', () => createMemoryBus());

describe('the in-memory bus', () => {
  it('compacts eagerly, so a late subscriber sees exactly one record per key', async () => {
    const bus = createMemoryBus();
    const topic = defineTopic('models.compaction', protobufCodec('ratchet.v1.ModelVersionPublished', ModelVersionPublished), (m) => m.model, {
      compacted: true,
    });
    await bus.ensureTopics([topic]);
    for (const v of ['1.0.0', '1.1.0', '2.0.0']) await bus.publish(topic, ModelVersionPublished.fromPartial({ model: 'churn', version: v }));
    await bus.publish(topic, ModelVersionPublished.fromPartial({ model: 'fraud', version: '0.1.0' }));

    const inbox = new Inbox<string>();
    await bus.subscribe(topic, (m) => inbox.push(`${m.model}@${m.version}`), { groupId: 'late', fromBeginning: true });
    await inbox.waitForCount(2);
    await bus.close();
    expect(inbox.items.sort()).toEqual(['churn@2.0.0', 'fraud@0.1.0']);
  });

  it('drops the oldest records of a partition beyond its retention, and consumers skip ahead', async () => {
    const bus = createMemoryBus({ defaultPartitions: 1, maxRecordsPerPartition: 10 });
    await bus.ensureTopics([Topics.feedback]);
    const label = (i: number) => ({ requestId: `r-${i}`, model: 'm', rowOffset: 0, labels: [i], timestampMs: i, source: 'test' });
    await bus.publishBatch(Topics.feedback, Array.from({ length: 25 }, (_, i) => label(i)));

    const inbox = new Inbox<number>();
    await bus.subscribe(Topics.feedback, (m) => inbox.push(m.labels[0]!), { groupId: 'retention', fromBeginning: true });
    const last = await bus.publish(Topics.feedback, label(25));
    await inbox.waitUntil((items) => items.includes(25), 'the newest record');
    await bus.close();
    expect(last.offset).toBe('25');
    // Like Kafka's retention, records the group had not reached yet may be gone: never the newest.
    expect(inbox.items.length).toBeLessThanOrEqual(12);
    expect(inbox.items.at(-1)).toBe(25);
    expect(inbox.items.every((v, i) => i === 0 || v > inbox.items[i - 1]!)).toBe(true);
    expect(Math.min(...inbox.items)).toBeGreaterThanOrEqual(25 - 12);
  });

  it('refuses keyless records on a compacted topic', async () => {
    const bus = createMemoryBus();
    await bus.ensureTopics([Topics.models]);
    await expect(
      bus.publishEncoded([{ topic: Topics.models.name, key: undefined, value: new Uint8Array(), headers: {} }]),
    ).rejects.toMatchObject({ code: 'invalid-argument', retriable: false });
    await bus.close();
  });

  it('rejects invalid construction options', () => {
    expect(() => createMemoryBus({ defaultPartitions: 0 })).toThrow(/defaultPartitions/);
  });
});
