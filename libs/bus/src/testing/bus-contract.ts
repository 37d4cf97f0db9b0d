import { randomBytes } from 'node:crypto';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import {
  deadLetterTopicName,
  defineTopic,
  Headers,
  ModelVersionPublished,
  PredictionLogged,
  protobufCodec,
  type Topic,
} from '@ratchet/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopic, rawBytesCodec } from '../dead-letter.js';
import { BusError } from '../errors.js';
import type { EventBus, MessageContext, PublishReceipt } from '../event-bus.js';
import { partitionForKey } from '../partitioner.js';
import { parseTraceparent } from '../traceparent.js';
import { AsyncLocalStorageContextManager } from '@ratchet/service-kit';
import { gate, Inbox } from './inbox.js';

export interface BusContractOptions {
  /** Partitions for the topics each test creates. Default 3. */
  readonly partitions?: number;
  /** How long a test waits for records to arrive. Default 20 000 ms. */
  readonly waitMs?: number;
}

interface Received<T> {
  readonly message: T;
  readonly ctx: MessageContext;
}

const PREDICTION_TYPE = 'ratchet.v1.PredictionLogged';

/** A topic name no other test (or earlier run against the same broker) uses. */
function uniqueName(label: string): string {
  return `contract.${label}.${randomBytes(5).toString('hex')}`;
}

function predictionsTopic(label: string): Topic<PredictionLogged> {
  return defineTopic(uniqueName(label), protobufCodec(PREDICTION_TYPE, PredictionLogged), (m) => m.requestId);
}

function modelsTopic(label: string): Topic<ModelVersionPublished> {
  return defineTopic(
    uniqueName(label),
    protobufCodec('ratchet.v1.ModelVersionPublished', ModelVersionPublished),
    (m) => m.model,
    { compacted: true },
  );
}

function prediction(requestId: string, latencyMs = 1.5): PredictionLogged {
  return PredictionLogged.fromPartial({
    requestId,
    model: 'churn',
    version: '1.4.0',
    rows: 2,
    latencyMs,
    timestampMs: 1_700_000_000_000,
    serverId: 'prediction-0',
    outputs: [{ name: 'label', datatype: 'INT64', shape: [2, 1], contents: { int64Contents: [0, 1] } }],
  });
}

function collect<T>(inbox: Inbox<Received<T>>) {
  return (message: T, ctx: MessageContext) => inbox.push({ message, ctx });
}

/**
 * The behaviour every {@link EventBus} implementation must have. Each test uses fresh topics
 * and group ids, so the suite can run against a long-lived broker.
 */
export function runBusContract(
  name: string,
  makeBus: () => EventBus | Promise<EventBus>,
  options: BusContractOptions = {},
): void {
  const partitions = options.partitions ?? 3;
  const waitMs = options.waitMs ?? 20_000;

  describe(`the ${name} event bus`, () => {
    const buses: EventBus[] = [];
    const open = async (): Promise<EventBus> => {
      const bus = await makeBus();
      buses.push(bus);
      return bus;
    };
    const ready = async <T>(topic: Topic<T>): Promise<EventBus> => {
      const bus = await open();
      await bus.ensureTopics([topic as Topic<unknown>], { partitions });
      return bus;
    };
    const group = (label: string) => `contract-${label}-${randomBytes(4).toString('hex')}`;
    const contextManager = new AsyncLocalStorageContextManager().enable();

    beforeAll(() => {
      context.setGlobalContextManager(contextManager);
    });
    afterAll(() => {
      context.disable();
    });
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((bus) => bus.close({ timeoutMs: 10_000 })));
    });

    it('delivers a published message decoded, with its key, partition, offset and type header', async () => {
      const topic = predictionsTopic('roundtrip');
      const bus = await ready(topic);
      const inbox = new Inbox<Received<PredictionLogged>>();
      await bus.subscribe(topic, collect(inbox), { groupId: group('roundtrip'), fromBeginning: true });

      const sent = prediction('req-1', 12.25);
      const receipt = await bus.publish(topic, sent);
      const [got] = await inbox.waitForCount(1, waitMs);

      expect(got!.message).toEqual(sent);
      expect(got!.ctx.topic).toBe(topic.name);
      expect(got!.ctx.key).toBe('req-1');
      expect(got!.ctx.partition).toBe(receipt.partition);
      expect(got!.ctx.offset).toBe(receipt.offset);
      expect(got!.ctx.attempt).toBe(1);
      expect(got!.ctx.headers[Headers.messageType]).toBe(PREDICTION_TYPE);
    });

    it('delivers a batch in publish order within each key', async () => {
      const topic = predictionsTopic('batch');
      const bus = await ready(topic);
      const inbox = new Inbox<Received<PredictionLogged>>();
      await bus.subscribe(topic, collect(inbox), { groupId: group('batch'), fromBeginning: true });

      const sent = Array.from({ length: 30 }, (_, i) => prediction(`req-${i % 5}`, i));
      const receipts = await bus.publishBatch(topic, sent);
      expect(receipts).toHaveLength(30);
      const got = await inbox.waitForCount(30, waitMs);

      for (let k = 0; k < 5; k++) {
        const latencies = got.filter((r) => r.message.requestId === `req-${k}`).map((r) => r.message.latencyMs);
        expect(latencies).toEqual(sent.filter((m) => m.requestId === `req-${k}`).map((m) => m.latencyMs));
      }
    });

    it('puts every record with the same key on the same partition, the one murmur2 picks', async () => {
      const topic = predictionsTopic('partitioning');
      const bus = await ready(topic);
      const inbox = new Inbox<Received<PredictionLogged>>();
      await bus.subscribe(topic, collect(inbox), { groupId: group('partitioning'), fromBeginning: true });

      const keys = Array.from({ length: 12 }, (_, i) => `request-${i}`);
      const receipts: PublishReceipt[] = [];
      for (let round = 0; round < 3; round++) {
        receipts.push(...(await bus.publishBatch(topic, keys.map((k) => prediction(k, round)))));
      }
      const got = await inbox.waitForCount(36, waitMs);

      for (const [i, key] of keys.entries()) {
        const expected = partitionForKey(key, partitions);
        expect(receipts.filter((_, j) => j % keys.length === i).map((r) => r.partition)).toEqual([expected, expected, expected]);
        expect(new Set(got.filter((r) => r.ctx.key === key).map((r) => r.ctx.partition))).toEqual(new Set([expected]));
      }
      expect(new Set(receipts.map((r) => r.partition)).size).toBeGreaterThan(1);
    });

    it('creates a topic with the partition count it declares', async () => {
      const declared = partitions + 2;
      const topic = defineTopic(uniqueName('declared'), protobufCodec(PREDICTION_TYPE, PredictionLogged), (m) => m.requestId, { partitions: declared });
      const bus = await open();
      await bus.ensureTopics([topic as Topic<unknown>]);
      const keys = Array.from({ length: 40 }, (_, i) => `request-${i}`);
      const receipts = await bus.publishBatch(topic, keys.map((k) => prediction(k)));
      expect(receipts.map((r) => r.partition)).toEqual(keys.map((k) => partitionForKey(k, declared)));
    });

    it('gives every consumer group every record', async () => {
      const topic = predictionsTopic('groups');
      const bus = await ready(topic);
      const first = new Inbox<Received<PredictionLogged>>();
      const second = new Inbox<Received<PredictionLogged>>();
      await bus.subscribe(topic, collect(first), { groupId: group('groups-a'), fromBeginning: true });
      await bus.subscribe(topic, collect(second), { groupId: group('groups-b'), fromBeginning: true });

      await bus.publishBatch(topic, Array.from({ length: 20 }, (_, i) => prediction(`req-${i}`)));
      const ids = (items: readonly Received<PredictionLogged>[]) => new Set(items.map((r) => r.message.requestId));

      const expected = new Set(Array.from({ length: 20 }, (_, i) => `req-${i}`));
      expect(ids(await first.waitUntil((items) => ids(items).size === 20, 'group a to see 20 records', waitMs))).toEqual(expected);
      expect(ids(await second.waitUntil((items) => ids(items).size === 20, 'group b to see 20 records', waitMs))).toEqual(expected);
    });

    it('shares the partitions of a topic between the members of one group', async () => {
      const topic = predictionsTopic('share');
      const bus = await ready(topic);
      const groupId = group('share');
      const a = new Inbox<Received<PredictionLogged>>();
      const b = new Inbox<Received<PredictionLogged>>();
      const all = new Inbox<string>();
      await bus.subscribe(topic, (m, ctx) => (a.push({ message: m, ctx }), all.push(m.requestId)), { groupId, fromBeginning: true });
      await bus.subscribe(topic, (m, ctx) => (b.push({ message: m, ctx }), all.push(m.requestId)), { groupId, fromBeginning: true });

      const keys = Array.from({ length: 30 }, (_, i) => `share-${i}`);
      await bus.publishBatch(topic, keys.map((k) => prediction(k)));
      await all.waitUntil((items) => new Set(items).size === keys.length, 'every record to reach the group', waitMs);

      const partitionsOf = (inbox: Inbox<Received<PredictionLogged>>) => new Set(inbox.items.map((r) => r.ctx.partition));
      expect(a.items.length).toBeGreaterThan(0);
      expect(b.items.length).toBeGreaterThan(0);
      expect([...partitionsOf(a)].filter((p) => partitionsOf(b).has(p))).toEqual([]);
      expect(new Set(all.items)).toEqual(new Set(keys));
    });

    it('starts a new group without fromBeginning at the records published after subscribing', async () => {
      const topic = predictionsTopic('latest');
      const bus = await ready(topic);
      await bus.publish(topic, prediction('before'));
      const inbox = new Inbox<Received<PredictionLogged>>();
      const marker = new Inbox<Received<PredictionLogged>>();
      await bus.subscribe(topic, collect(marker), { groupId: group('latest-marker'), fromBeginning: true });
      await bus.subscribe(topic, collect(inbox), { groupId: group('latest') });

      await bus.publish(topic, prediction('after'));
      await marker.waitForCount(2, waitMs);
      const got = await inbox.waitForCount(1, waitMs);
      expect(got.map((r) => r.message.requestId)).toEqual(['after']);
    });

    it('redelivers a record whose handler threw, and moves on once it succeeds', async () => {
      const topic = predictionsTopic('retry');
      const bus = await ready(topic);
      const inbox = new Inbox<Received<PredictionLogged>>();
      await bus.subscribe(
        topic,
        (message, ctx) => {
          inbox.push({ message, ctx });
          if (message.requestId === 'flaky' && ctx.attempt === 1) throw new Error('downstream store unavailable');
        },
        { groupId: group('retry'), fromBeginning: true, maxAttempts: 3, retryBackoff: { initialMs: 10, maxMs: 50 } },
      );

      await bus.publishBatch(topic, [prediction('flaky'), prediction('flaky-next')]);
      const got = await inbox.waitUntil((items) => items.some((r) => r.message.requestId === 'flaky' && r.ctx.attempt === 2), 'the retry', waitMs);

      const flaky = got.filter((r) => r.message.requestId === 'flaky');
      expect(flaky.map((r) => r.ctx.attempt)).toEqual([1, 2]);
      expect(flaky[1]!.ctx.offset).toBe(flaky[0]!.ctx.offset);
      expect(flaky[1]!.message).toEqual(flaky[0]!.message);
      await inbox.waitUntil((items) => items.some((r) => r.message.requestId === 'flaky-next'), 'the record after it', waitMs);
    });

    it('dead-letters undecodable bytes with the reason and source, and keeps consuming', async () => {
      const topic = predictionsTopic('undecodable');
      const bus = await ready(topic);
      // Same topic, same declared type, but bytes that are no PredictionLogged.
      const corrupt = defineTopic(topic.name, { ...rawBytesCodec, typeName: PREDICTION_TYPE }, () => 'broken-key');
      const inbox = new Inbox<Received<PredictionLogged>>();
      const dlq = new Inbox<Received<Uint8Array>>();
      await bus.subscribe(topic, collect(inbox), { groupId: group('undecodable'), fromBeginning: true });
      await bus.subscribe(deadLetterTopic(topic), collect(dlq), { groupId: group('undecodable-dlq'), fromBeginning: true });

      const garbage = Uint8Array.from([0xff, 0xff, 0xff]);
      const bad = await bus.publish(corrupt, garbage, { headers: { origin: 'fuzzer' } });
      await bus.publish(topic, prediction('broken-key'));

      const [dead] = await dlq.waitForCount(1, waitMs);
      expect(Array.from(dead!.message)).toEqual(Array.from(garbage));
      expect(dead!.ctx.topic).toBe(deadLetterTopicName(topic));
      expect(dead!.ctx.key).toBe('broken-key');
      expect(dead!.ctx.headers.origin).toBe('fuzzer');
      expect(dead!.ctx.headers[Headers.dlqReason]).toMatch(/decode failed/);
      expect(dead!.ctx.headers[Headers.dlqSourceTopic]).toBe(topic.name);
      expect(dead!.ctx.headers[Headers.dlqSourcePartition]).toBe(String(bad.partition));
      expect(dead!.ctx.headers[Headers.dlqSourceOffset]).toBe(bad.offset);
      expect(dead!.ctx.headers[Headers.dlqAttempts]).toBe('0');
      const [good] = await inbox.waitForCount(1, waitMs);
      expect(good!.message.requestId).toBe('broken-key');
      expect(inbox.items).toHaveLength(1);
    });

    it('dead-letters a record of the wrong declared type without calling the handler', async () => {
      const topic = predictionsTopic('wrong-type');
      const bus = await ready(topic);
      const impostor = defineTopic(topic.name, rawBytesCodec, () => 'impostor');
      const calls = new Inbox<Received<PredictionLogged>>();
      const dlq = new Inbox<Received<Uint8Array>>();
      await bus.subscribe(topic, collect(calls), { groupId: group('wrong-type'), fromBeginning: true });
      await bus.subscribe(deadLetterTopic(topic), collect(dlq), { groupId: group('wrong-type-dlq'), fromBeginning: true });

      await bus.publish(impostor, encodePrediction(prediction('impostor')));
      await bus.publish(topic, prediction('genuine'));

      const [dead] = await dlq.waitForCount(1, waitMs);
      expect(dead!.ctx.headers[Headers.dlqReason]).toMatch(/type mismatch: expected ratchet\.v1\.PredictionLogged/);
      const got = await calls.waitForCount(1, waitMs);
      expect(got.map((r) => r.message.requestId)).toEqual(['genuine']);
    });

    it('dead-letters a record whose handler keeps failing after maxAttempts, then moves on', async () => {
      const topic = predictionsTopic('poison');
      const bus = await ready(topic);
      const attempts = new Inbox<number>();
      const handled = new Inbox<string>();
      const dlq = new Inbox<Received<Uint8Array>>();
      await bus.subscribe(
        topic,
        (message, ctx) => {
          if (message.requestId === 'poison') {
            attempts.push(ctx.attempt);
            throw new Error(`cannot score model ${message.model}`);
          }
          handled.push(message.requestId);
        },
        { groupId: group('poison'), fromBeginning: true, maxAttempts: 3, retryBackoff: { initialMs: 5, maxMs: 20 } },
      );
      await bus.subscribe(deadLetterTopic(topic), collect(dlq), { groupId: group('poison-dlq'), fromBeginning: true });

      const poison = await bus.publish(topic, prediction('poison'));
      await bus.publish(topic, prediction('poison-healthy-neighbour'), { key: 'poison' });

      const [dead] = await dlq.waitForCount(1, waitMs);
      expect(attempts.items).toEqual([1, 2, 3]);
      expect(PredictionLogged.decode(dead!.message).requestId).toBe('poison');
      expect(dead!.ctx.key).toBe('poison');
      expect(dead!.ctx.headers[Headers.dlqReason]).toMatch(/after 3 attempts.*cannot score model churn/);
      expect(dead!.ctx.headers[Headers.dlqAttempts]).toBe('3');
      expect(dead!.ctx.headers[Headers.dlqSourceOffset]).toBe(poison.offset);
      expect(dead!.ctx.headers[Headers.messageType]).toBe(PREDICTION_TYPE);
      expect(await handled.waitForCount(1, waitMs)).toEqual(['poison-healthy-neighbour']);
    });

    it('dead-letters at once when the handler says a retry cannot help', async () => {
      const topic = predictionsTopic('non-retriable');
      const bus = await ready(topic);
      const attempts = new Inbox<number>();
      const dlq = new Inbox<Received<Uint8Array>>();
      await bus.subscribe(
        topic,
        (_message, ctx) => {
          attempts.push(ctx.attempt);
          throw new BusError('invalid-argument', 'unknown model version', { retriable: false });
        },
        { groupId: group('non-retriable'), fromBeginning: true, maxAttempts: 5 },
      );
      await bus.subscribe(deadLetterTopic(topic), collect(dlq), { groupId: group('non-retriable-dlq'), fromBeginning: true });

      await bus.publish(topic, prediction('doomed'));
      const [dead] = await dlq.waitForCount(1, waitMs);
      expect(attempts.items).toEqual([1]);
      expect(dead!.ctx.headers[Headers.dlqReason]).toMatch(/not retriable.*unknown model version/);
      expect(dead!.ctx.headers[Headers.dlqAttempts]).toBe('1');
    });

    it('puts a valid traceparent on every record, and a distinct trace on unrelated ones', async () => {
      const topic = predictionsTopic('trace');
      const bus = await ready(topic);
      const inbox = new Inbox<Received<PredictionLogged>>();
      await bus.subscribe(topic, collect(inbox), { groupId: group('trace'), fromBeginning: true });

      await bus.publishBatch(topic, [prediction('t-1'), prediction('t-2')]);
      await bus.publish(topic, prediction('t-3'));
      const got = await inbox.waitForCount(3, waitMs);

      const parsed = got.map((r) => parseTraceparent(r.ctx.traceparent));
      expect(parsed.every((p) => p !== undefined)).toBe(true);
      expect(got.map((r) => r.ctx.headers[Headers.traceparent])).toEqual(got.map((r) => r.ctx.traceparent));
      expect(new Set(parsed.map((p) => p!.traceId)).size).toBe(3);
    });

    it("carries the publisher's active trace into the handler's context", async () => {
      const topic = predictionsTopic('trace-context');
      const bus = await ready(topic);
      const seen = new Inbox<{ traceparent: string | undefined; activeTraceId: string | undefined }>();
      await bus.subscribe(
        topic,
        (_m, ctx) => seen.push({ traceparent: ctx.traceparent, activeTraceId: trace.getSpanContext(context.active())?.traceId }),
        { groupId: group('trace-context'), fromBeginning: true },
      );

      const parent = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
      await context.with(trace.setSpanContext(context.active(), parent), () => bus.publish(topic, prediction('traced')));
      const [got] = await seen.waitForCount(1, waitMs);

      expect(got!.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
      expect(got!.activeTraceId).toBe(parent.traceId);
    });

    it('gives a late subscriber the latest record per key of a compacted topic', async () => {
      const topic = modelsTopic('compacted');
      const bus = await ready(topic);
      const version = (model: string, v: string) => ModelVersionPublished.fromPartial({ model, version: v, sha256: `sha-${model}-${v}` });
      await bus.publish(topic, version('churn', '1.0.0'));
      await bus.publish(topic, version('fraud', '0.9.0'));
      await bus.publish(topic, version('churn', '1.1.0'));
      await bus.publish(topic, version('churn', '2.0.0'));

      const inbox = new Inbox<Received<ModelVersionPublished>>();
      await bus.subscribe(topic, collect(inbox), { groupId: group('compacted-late'), fromBeginning: true });
      const latest = (items: readonly Received<ModelVersionPublished>[]) => {
        const byKey = new Map<string, string>();
        for (const r of items) byKey.set(r.message.model, r.message.version);
        return byKey;
      };
      const got = await inbox.waitUntil(
        (items) => latest(items).get('churn') === '2.0.0' && latest(items).get('fraud') === '0.9.0',
        'the latest version of each model',
        waitMs,
      );
      expect(latest(got)).toEqual(new Map([['churn', '2.0.0'], ['fraud', '0.9.0']]));
    });

    it('redelivers the records of a crashed member to the next member of its group', async () => {
      const topic = predictionsTopic('crash');
      const bus = await ready(topic);
      const groupId = group('crash');
      const stuck = gate();
      const crashed = new Inbox<Received<PredictionLogged>>();
      const survivor = new Inbox<Received<PredictionLogged>>();
      const doomed = await bus.subscribe(
        topic,
        async (message, ctx) => {
          crashed.push({ message, ctx });
          await stuck.promise;
        },
        { groupId, fromBeginning: true },
      );

      const receipt = await bus.publish(topic, prediction('in-flight'));
      await crashed.waitForCount(1, waitMs);
      await doomed.abandon();
      await bus.subscribe(topic, collect(survivor), { groupId, fromBeginning: true });

      const [got] = await survivor.waitForCount(1, waitMs);
      stuck.open();
      expect(got!.message.requestId).toBe('in-flight');
      expect(got!.ctx.offset).toBe(receipt.offset);
      expect(got!.ctx.partition).toBe(receipt.partition);
    });

    it('drains in-flight handlers on close before resolving', async () => {
      const topic = predictionsTopic('drain');
      const bus = await ready(topic);
      const started = new Inbox<string>();
      const release = gate();
      const events: string[] = [];
      await bus.subscribe(
        topic,
        async (message) => {
          started.push(message.requestId);
          events.push('handler started');
          await release.promise;
          events.push('handler finished');
        },
        { groupId: group('drain'), fromBeginning: true },
      );
      await bus.publish(topic, prediction('slow'));
      await started.waitForCount(1, waitMs);

      const closing = bus.close({ timeoutMs: 20_000 }).then(() => events.push('closed'));
      // Released a little later, so a close that did not wait would resolve first and fail the test.
      setTimeout(release.open, 100);
      await closing;
      expect(events).toEqual(['handler started', 'handler finished', 'closed']);
      await expect(bus.publish(topic, prediction('too-late'))).rejects.toMatchObject({ code: 'closed', retriable: false });
    });

    it('abandons handlers still running at the close deadline', async () => {
      const topic = predictionsTopic('deadline');
      const bus = await ready(topic);
      const started = new Inbox<string>();
      const never = gate();
      await bus.subscribe(
        topic,
        async (message) => {
          started.push(message.requestId);
          await never.promise;
        },
        { groupId: group('deadline'), fromBeginning: true },
      );
      await bus.publish(topic, prediction('hung'));
      await started.waitForCount(1, waitMs);

      await bus.close({ timeoutMs: 200 });
      never.open();
      expect(started.items).toEqual(['hung']);
    });

    it('rejects a publish to a topic that does not exist with a retriable error', async () => {
      const bus = await open();
      const missing = predictionsTopic('missing');
      const error = await bus.publish(missing, prediction('x')).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(BusError);
      expect(error).toMatchObject({ code: 'unknown-topic', retriable: true, topic: missing.name });
    });

    it('rejects invalid subscribe options before joining anything', async () => {
      const topic = predictionsTopic('invalid');
      const bus = await ready(topic);
      await expect(bus.subscribe(topic, () => undefined, { groupId: '' })).rejects.toMatchObject({
        code: 'invalid-argument',
        retriable: false,
      });
      await expect(bus.subscribe(topic, () => undefined, { groupId: 'g', maxAttempts: 0 })).rejects.toThrow(/maxAttempts/);
    });
  });
}

function encodePrediction(message: PredictionLogged): Uint8Array {
  return PredictionLogged.encode(message).finish();
}
