import { once } from 'node:events';
import { PredictionLogged, Topics } from '@ratchet/contracts';
import { describe, expect, it } from 'vitest';
import { BufferedPublisher } from './buffered-publisher.js';
import type { EncodedRecord } from './encoded-record.js';
import { BusError } from './errors.js';
import type { EventBus, PublishReceipt } from './event-bus.js';
import type { BusLogger } from './logger.js';
import { createMemoryBus } from './memory-bus.js';
import { Inbox } from './testing/inbox.js';

const prediction = (requestId: string) => PredictionLogged.fromPartial({ requestId, model: 'churn', version: '1.0.0' });

/** A bus whose broker can be switched off: sends fail with a retriable error while it is down. */
class SwitchableBus implements Pick<EventBus, 'publishEncoded'> {
  up = true;
  readonly sent: EncodedRecord[] = [];
  async publishEncoded(records: readonly EncodedRecord[]): Promise<PublishReceipt[]> {
    if (!this.up) throw new BusError('connection', 'broker unreachable', { retriable: true });
    this.sent.push(...records);
    return records.map((r, i) => ({ topic: r.topic, partition: 0, offset: String(this.sent.length - records.length + i) }));
  }
}

function recordingLogger(): BusLogger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (msg: string) => void lines.push({ level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('BufferedPublisher', () => {
  it('returns from offer at once and delivers in the background', async () => {
    const bus = createMemoryBus();
    await bus.ensureTopics([Topics.predictions]);
    const seen = new Inbox<string>();
    await bus.subscribe(Topics.predictions, (m) => seen.push(m.requestId), { groupId: 'g', fromBeginning: true });
    const publisher = new BufferedPublisher(bus);

    expect(publisher.offer(Topics.predictions, prediction('a'))).toBe(true);
    expect(publisher.offer(Topics.predictions, prediction('b'))).toBe(true);
    expect(publisher.counters.delivered).toBe(0);
    expect(await publisher.flush()).toBe(true);
    expect(publisher.counters).toMatchObject({ offered: 2, delivered: 2, queued: 0, dropped: 0, failedAttempts: 0 });
    expect((await seen.waitForCount(2)).slice().sort()).toEqual(['a', 'b']);
    await bus.close();
  });

  it('keeps records while the broker is down and delivers all of them, in order, when it returns', async () => {
    const bus = new SwitchableBus();
    const logger = recordingLogger();
    const publisher = new BufferedPublisher(bus, { backoff: { initialMs: 1, maxMs: 5 }, logger });
    bus.up = false;
    const failed = once(publisher.events, 'attempt-failed');
    for (let i = 0; i < 5; i++) publisher.offer(Topics.predictions, prediction(`r${i}`));
    await failed;
    await once(publisher.events, 'attempt-failed');
    expect(publisher.counters.queued).toBe(5);

    bus.up = true;
    expect(await publisher.flush({ timeoutMs: 5_000 })).toBe(true);
    expect(bus.sent.map((r) => r.key)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(publisher.counters.failedAttempts).toBeGreaterThanOrEqual(2);
    expect(publisher.counters.delivered).toBe(5);
    // One warning for the whole outage, one note when it ended.
    expect(logger.lines.filter((l) => l.msg.startsWith('cannot publish'))).toHaveLength(1);
    expect(logger.lines.filter((l) => l.msg.startsWith('buffered records flowing again'))).toHaveLength(1);
  });

  it('drops the oldest records on overflow, counts them and warns once per burst', async () => {
    const bus = new SwitchableBus();
    bus.up = false;
    const logger = recordingLogger();
    const publisher = new BufferedPublisher(bus, { capacity: 3, maxBatch: 1, backoff: { initialMs: 1, maxMs: 2 }, logger });
    publisher.offer(Topics.predictions, prediction('first'));
    await once(publisher.events, 'attempt-failed'); // 'first' is now the batch in flight
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect(publisher.offer(Topics.predictions, prediction(id))).toBe(true);

    expect(publisher.counters).toMatchObject({ offered: 6, dropped: 2, queued: 4 });
    bus.up = true;
    await publisher.flush({ timeoutMs: 5_000 });
    expect(bus.sent.map((r) => r.key)).toEqual(['first', 'c', 'd', 'e']);
    expect(logger.lines.filter((l) => l.msg.startsWith('dropping records'))).toHaveLength(1);
    expect(logger.lines.filter((l) => l.msg === 'records dropped in this burst')).toHaveLength(1);
  });

  it('refuses the newest record on overflow when told to', async () => {
    const bus = new SwitchableBus();
    bus.up = false;
    const publisher = new BufferedPublisher(bus, { capacity: 2, maxBatch: 1, overflow: 'drop-newest', backoff: { initialMs: 1, maxMs: 2 } });
    publisher.offer(Topics.predictions, prediction('first'));
    await once(publisher.events, 'attempt-failed');
    expect(['a', 'b', 'c'].map((id) => publisher.offer(Topics.predictions, prediction(id)))).toEqual([true, true, false]);
    bus.up = true;
    await publisher.flush({ timeoutMs: 5_000 });
    expect(bus.sent.map((r) => r.key)).toEqual(['first', 'a', 'b']);
    expect(publisher.counters.dropped).toBe(1);
  });

  it('isolates and drops a record the bus rejects as invalid, delivering its batch-mates', async () => {
    const bus = createMemoryBus();
    await bus.ensureTopics([Topics.predictions, Topics.models]);
    const publisher = new BufferedPublisher(bus);
    publisher.offer(Topics.predictions, prediction('ok-1'));
    publisher.offerEncoded({ topic: Topics.models.name, key: undefined, value: new Uint8Array(), headers: {} });
    publisher.offer(Topics.predictions, prediction('ok-2'));
    await publisher.flush();
    expect(publisher.counters).toMatchObject({ delivered: 2, dropped: 1, queued: 0 });
    await bus.close();
  });

  it('counts a message it cannot encode as dropped instead of throwing', async () => {
    const publisher = new BufferedPublisher(new SwitchableBus());
    const broken = { requestId: 'x' } as PredictionLogged; // missing repeated fields: encode throws
    expect(publisher.offer(Topics.predictions, broken)).toBe(false);
    expect(publisher.counters).toMatchObject({ offered: 0, dropped: 1 });
  });

  it('counts what it could not deliver by the close deadline as dropped', async () => {
    const bus = new SwitchableBus();
    bus.up = false;
    const publisher = new BufferedPublisher(bus, { backoff: { initialMs: 1, maxMs: 2 } });
    publisher.offer(Topics.predictions, prediction('lost'));
    await publisher.close({ timeoutMs: 20 });
    expect(publisher.counters).toMatchObject({ offered: 1, delivered: 0, dropped: 1, queued: 0 });
    expect(publisher.offer(Topics.predictions, prediction('after-close'))).toBe(false);
    expect(publisher.counters.dropped).toBe(2);
  });
});
