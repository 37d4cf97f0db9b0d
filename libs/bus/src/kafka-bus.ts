import kafkajs from 'kafkajs';
import type { Admin, Consumer, EachBatchPayload, IHeaders, KafkaMessage, Producer, RecordMetadata } from 'kafkajs';
import { deadLetterTopicName, type Topic } from '@ratchet/contracts';
import { deliver, resolveSubscribeOptions, type IncomingRecord, type ResolvedSubscribeOptions } from './delivery.js';
import { encodeRecord, recordSize, type EncodedRecord } from './encoded-record.js';
import { BusError, describeError } from './errors.js';
import type {
  CloseOptions,
  EnsureTopicsOptions,
  EventBus,
  MessageHandler,
  PublishOptions,
  PublishReceipt,
  SubscribeOptions,
  Subscription,
} from './event-bus.js';
import { retryRetriable } from './retry.js';
import { translateKafkaError } from './kafka-errors.js';
import { KAFKAJS_LOG_LEVEL, kafkaLogCreator } from './kafka-logger.js';
import { stderrLogger, type BusLogger } from './logger.js';
import { partitionForKey } from './partitioner.js';
import { SendBatcher, type SendBatcherOptions } from './send-batcher.js';
import { stopSubscriptions } from './stop-subscriptions.js';
import { TopicNamespace } from './topic-namespace.js';

const { Kafka, Partitioners } = kafkajs;

export interface KafkaBusOptions {
  /** `host:port` list, or a comma-separated string as in `KAFKA_BROKERS`. */
  readonly brokers: string | readonly string[];
  readonly clientId?: string;
  /**
   * A deployment's namespace on a shared cluster (`RATCHET_TOPIC_PREFIX`): on the broker, topic
   * `t` is `<topicPrefix>t`, its dead-letter topic `<topicPrefix>t.dlq` and consumer group `g`
   * is `<topicPrefix>g`, so buses with different prefixes never see each other's records or
   * join each other's groups. Only the wire names change: handlers (`ctx.topic`), receipts,
   * subscriptions, errors' `topic` and the `ratchet-dlq-source-topic` header keep the registry's
   * names, so code and replay tools are the same in every namespace. Kafka topic-name characters
   * `[a-zA-Z0-9._-]`, short enough that every registry name stays within 249 characters.
   * Default `''` (no namespace).
   */
  readonly topicPrefix?: string;
  /** Partitions for topics created by `ensureTopics`/`subscribe` without a count. Default 3. */
  readonly defaultPartitions?: number;
  /** Producer batching: records published within `lingerMs` go out in one `sendBatch`. */
  readonly batching?: SendBatcherOptions;
  /** Unacknowledged requests per broker connection for the idempotent producer (1–5, Kafka's limit for ordering). Default 5. */
  readonly maxInFlightRequests?: number;
  /** kafkajs retries of one send before `publish` rejects (with a retriable error). Default 5. */
  readonly producerRetries?: number;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** Longest a fetch waits on an idle partition; bounds how long a stop waits for the fetch loop. Default 500. */
  readonly fetchMaxWaitMs?: number;
  /** How long `subscribe` waits for the member to join its group. Default 30 000. */
  readonly joinTimeoutMs?: number;
  readonly logger?: BusLogger;
}

interface ResolvedKafkaBusOptions {
  readonly brokers: string[];
  readonly clientId: string;
  readonly namespace: TopicNamespace;
  readonly defaultPartitions: number;
  readonly batching: SendBatcherOptions;
  readonly maxInFlightRequests: number;
  readonly producerRetries: number;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly fetchMaxWaitMs: number;
  readonly joinTimeoutMs: number;
  readonly logger: BusLogger;
}

/** Splits and checks a broker list such as `127.0.0.1:9092,127.0.0.1:9093`. */
export function parseBrokers(brokers: string | readonly string[]): string[] {
  const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((b) => b.trim()).filter((b) => b !== '');
  if (list.length === 0) throw new BusError('invalid-argument', 'no Kafka brokers given (KAFKA_BROKERS is empty)', { retriable: false });
  for (const broker of list) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) {
      throw new BusError('invalid-argument', `invalid Kafka broker address ${JSON.stringify(broker)}; expected host:port`, {
        retriable: false,
      });
    }
  }
  return list;
}

function resolveOptions(options: KafkaBusOptions): ResolvedKafkaBusOptions {
  const resolved: ResolvedKafkaBusOptions = {
    brokers: parseBrokers(options.brokers),
    clientId: options.clientId ?? 'ratchet',
    namespace: new TopicNamespace(options.topicPrefix ?? ''),
    defaultPartitions: options.defaultPartitions ?? 3,
    batching: options.batching ?? {},
    maxInFlightRequests: options.maxInFlightRequests ?? 5,
    producerRetries: options.producerRetries ?? 5,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1_000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 20_000,
    fetchMaxWaitMs: options.fetchMaxWaitMs ?? 500,
    joinTimeoutMs: options.joinTimeoutMs ?? 30_000,
    logger: options.logger ?? stderrLogger('warn', 'bus'),
  };
  const invalid = (what: string) => new BusError('invalid-argument', `KafkaBus: ${what}`, { retriable: false });
  if (!Number.isInteger(resolved.defaultPartitions) || resolved.defaultPartitions < 1) throw invalid('defaultPartitions must be >= 1');
  if (!Number.isInteger(resolved.maxInFlightRequests) || resolved.maxInFlightRequests < 1 || resolved.maxInFlightRequests > 5) {
    throw invalid('maxInFlightRequests must be 1..5 for an idempotent producer');
  }
  if (!Number.isInteger(resolved.producerRetries) || resolved.producerRetries < 1) throw invalid('producerRetries must be >= 1');
  if (resolved.heartbeatIntervalMs * 3 > resolved.sessionTimeoutMs) {
    throw invalid('heartbeatIntervalMs must be at most a third of sessionTimeoutMs');
  }
  return resolved;
}

/** How to create one topic. */
interface TopicSpec {
  readonly compacted: boolean;
  readonly partitions: number;
}

/** A record with its broker topic and partition chosen, as handed to the batcher. */
interface OutgoingRecord {
  readonly record: EncodedRecord;
  /** `record.topic` as named on the broker (with the bus's topic prefix). */
  readonly wireTopic: string;
  readonly partition: number;
}

const utf8 = new TextDecoder();

function headerString(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : utf8.decode(first);
}

function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = headerString(value);
    if (text !== undefined) headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? undefined : utf8.decode(message.key),
    value: message.value === null ? new Uint8Array() : new Uint8Array(message.value.buffer, message.value.byteOffset, message.value.byteLength),
    headers,
    timestamp: Number(message.timestamp),
  };
}

/**
 * The {@link EventBus} over Apache Kafka (kafkajs).
 *
 * Producing: one idempotent producer per bus; records published within `lingerMs` go out in a
 * single `sendBatch`, partitioned by Kafka's murmur2 of the key; `publish` resolves with the
 * record's partition and offset once the broker acknowledged it (acks=all). After a failed
 * send the producer is replaced, so a batch the broker did write is duplicated by a retry
 * rather than silently dropped as a duplicate sequence (at-least-once).
 *
 * Consuming: one kafkajs consumer per subscription, `autoCommit: false`; a record's offset is
 * resolved and committed only after its handler succeeded or it went to `<topic>.dlq`.
 *
 * Naming: with a `topicPrefix`, every topic and consumer group name is prefixed where it
 * crosses to kafkajs and nowhere else (see {@link KafkaBusOptions.topicPrefix}).
 */
export class KafkaBus implements EventBus {
  readonly kind = 'kafka' as const;
  /** The namespace of this bus on the broker (`''`: none). */
  readonly topicPrefix: string;
  private readonly options: ResolvedKafkaBusOptions;
  private readonly names: TopicNamespace;
  private readonly kafka: InstanceType<typeof Kafka>;
  private readonly logger: BusLogger;
  private readonly batcher: SendBatcher<OutgoingRecord, PublishReceipt>;
  private readonly partitionCounts = new Map<string, number>();
  private readonly roundRobin = new Map<string, number>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private producer: Promise<Producer> | undefined;
  private admin: Promise<Admin> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: KafkaBusOptions) {
    this.options = resolveOptions(options);
    this.names = this.options.namespace;
    this.topicPrefix = this.names.prefix;
    this.logger = this.options.logger;
    this.kafka = new Kafka({
      clientId: this.options.clientId,
      brokers: this.options.brokers,
      connectionTimeout: this.options.connectionTimeoutMs,
      requestTimeout: this.options.requestTimeoutMs,
      logLevel: KAFKAJS_LOG_LEVEL,
      logCreator: kafkaLogCreator(this.logger),
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    this.batcher = new SendBatcher(
      (items) => this.send(items),
      (item) => recordSize(item.record),
      this.options.batching,
    );
  }

  // ------------------------------------------------------------------------------------------
  // Topics

  async ensureTopics(topics: readonly Topic<unknown>[], options: EnsureTopicsOptions = {}): Promise<void> {
    this.assertOpen();
    if (options.partitions !== undefined && (!Number.isInteger(options.partitions) || options.partitions < 1)) {
      throw new BusError('invalid-argument', `partitions must be a positive integer, got ${options.partitions}`, { retriable: false });
    }
    const specs = new Map<string, TopicSpec>();
    for (const topic of topics) {
      const partitions = options.partitions ?? topic.partitions ?? this.options.defaultPartitions;
      specs.set(this.names.topic(topic.name), { compacted: topic.compacted, partitions });
      // A dead-letter topic gets no dead-letter topic of its own until something needs one.
      if (!topic.name.endsWith('.dlq')) specs.set(this.names.topic(deadLetterTopicName(topic)), { compacted: false, partitions });
    }
    await this.createTopics(specs);
  }

  /** Creates the topics missing from the broker (keyed by broker name), each with its cleanup policy and partition count. */
  private async createTopics(specs: ReadonlyMap<string, TopicSpec>): Promise<void> {
    const missing = [...specs].filter(([name]) => !this.partitionCounts.has(name));
    if (missing.length === 0) return;
    const admin = await this.getAdmin();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(([name, { compacted, partitions }]) => ({
          topic: name,
          numPartitions: partitions,
          configEntries: compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
      });
    } catch (err) {
      throw translateKafkaError(err, `cannot create topics ${missing.map(([n]) => n).join(', ')}`);
    }
    await this.loadPartitionCounts(missing.map(([name]) => name));
  }

  private async loadPartitionCounts(names: readonly string[]): Promise<void> {
    const admin = await this.getAdmin();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
      for (const t of topics) if (t.partitions.length > 0) this.partitionCounts.set(t.name, t.partitions.length);
    } catch (err) {
      const translated = translateKafkaError(err, `cannot read metadata of ${names.join(', ')}`, names[0]);
      if (translated.code !== 'unknown-topic') throw translated;
    }
  }

  /** Partitions of broker topic `wireTopic`; errors name the registry's `topic`. */
  private async partitionCount(wireTopic: string, topic: string): Promise<number> {
    let count = this.partitionCounts.get(wireTopic);
    if (count === undefined) {
      await this.loadPartitionCounts([wireTopic]);
      count = this.partitionCounts.get(wireTopic);
    }
    if (count === undefined) {
      throw new BusError('unknown-topic', `topic ${wireTopic} does not exist; create it with ensureTopics`, { retriable: true, topic });
    }
    return count;
  }

  // ------------------------------------------------------------------------------------------
  // Producing

  async publish<T>(topic: Topic<T>, message: T, options?: PublishOptions): Promise<PublishReceipt> {
    const [receipt] = await this.publishEncoded([encodeRecord(topic, message, options)]);
    return receipt as PublishReceipt;
  }

  async publishBatch<T>(topic: Topic<T>, messages: readonly T[], options?: PublishOptions): Promise<PublishReceipt[]> {
    return this.publishEncoded(messages.map((m) => encodeRecord(topic, m, options)));
  }

  async publishEncoded(records: readonly EncodedRecord[]): Promise<PublishReceipt[]> {
    this.assertOpen();
    return this.produce(records);
  }

  /** Produces without the open check: dead letters are still written while draining. */
  private async produce(records: readonly EncodedRecord[]): Promise<PublishReceipt[]> {
    const outgoing: OutgoingRecord[] = [];
    for (const record of records) {
      const wireTopic = this.names.topic(record.topic);
      const partitions = await this.partitionCount(wireTopic, record.topic);
      let partition: number;
      if (record.key !== undefined) partition = partitionForKey(record.key, partitions);
      else {
        const next = this.roundRobin.get(wireTopic) ?? 0;
        this.roundRobin.set(wireTopic, next + 1);
        partition = next % partitions;
      }
      outgoing.push({ record, wireTopic, partition });
    }
    return this.batcher.add(outgoing);
  }

  /**
   * One `sendBatch` for a batch of records; offsets follow from each partition's base offset.
   * Receipts name the registry's topic, not the broker's.
   */
  private async send(items: OutgoingRecord[]): Promise<PublishReceipt[]> {
    const byTopic = new Map<string, { key: string | null; value: Buffer; partition: number; headers: Record<string, string> }[]>();
    for (const { record, wireTopic, partition } of items) {
      let messages = byTopic.get(wireTopic);
      if (messages === undefined) byTopic.set(wireTopic, (messages = []));
      messages.push({
        key: record.key ?? null,
        value: Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength),
        partition,
        headers: { ...record.headers },
      });
    }
    let metadata: RecordMetadata[];
    try {
      const producer = await this.getProducer();
      metadata = await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (err) {
      this.resetProducer();
      const topics = [...byTopic.keys()].join(', ');
      throw translateKafkaError(err, `cannot publish ${items.length} record(s) to ${topics}`, byTopic.size === 1 ? items[0]?.record.topic : undefined);
    }
    const base = new Map<string, bigint>();
    for (const m of metadata) base.set(`${m.topicName}\u0000${m.partition}`, BigInt(m.baseOffset ?? '0'));
    const next = new Map<string, bigint>();
    return items.map(({ record, wireTopic, partition }) => {
      const slot = `${wireTopic}\u0000${partition}`;
      const offset = next.get(slot) ?? base.get(slot) ?? -1n;
      next.set(slot, offset + 1n);
      return { topic: record.topic, partition, offset: offset.toString() };
    });
  }

  private getProducer(): Promise<Producer> {
    if (this.producer === undefined) {
      const producer = this.kafka.producer({
        idempotent: true,
        // Records carry explicit partitions (murmur2, as this partitioner would pick); naming it
        // also silences kafkajs' warning about its v2 default.
        createPartitioner: Partitioners.DefaultPartitioner,
        maxInFlightRequests: this.options.maxInFlightRequests,
        allowAutoTopicCreation: false,
        retry: { retries: this.options.producerRetries, initialRetryTime: 100, maxRetryTime: 2_000 },
      });
      const connecting = producer.connect().then(() => producer);
      this.producer = connecting;
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = undefined;
      });
    }
    return this.producer;
  }

  /** Drops the producer after a failed send; the next send starts a new idempotent session. */
  private resetProducer(): void {
    const old = this.producer;
    this.producer = undefined;
    old?.then((p) => p.disconnect()).catch(() => undefined);
  }

  private getAdmin(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = this.kafka.admin({ retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 } });
      const connecting = admin.connect().then(() => admin);
      this.admin = connecting;
      connecting.catch(() => {
        if (this.admin === connecting) this.admin = undefined;
      });
    }
    return this.admin.catch((err: unknown) => {
      throw translateKafkaError(err, `cannot reach Kafka at ${this.options.brokers.join(',')}`);
    });
  }

  async flush(): Promise<void> {
    await this.batcher.flush();
  }

  // ------------------------------------------------------------------------------------------
  // Consuming

  async subscribe<T>(topic: Topic<T>, handler: MessageHandler<T>, options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const resolved = resolveSubscribeOptions(topic.name, options);
    await this.ensureTopics([topic as Topic<unknown>]);
    const wire = { topic: this.names.topic(topic.name), groupId: this.names.group(resolved.groupId) };
    const startAt = resolved.fromBeginning ? new Map<number, string>() : await this.endsWithoutCommits(wire.topic, wire.groupId, topic.name);
    const consumer = this.kafka.consumer({
      groupId: wire.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      rebalanceTimeout: this.options.rebalanceTimeoutMs,
      maxWaitTimeInMs: this.options.fetchMaxWaitMs,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    const subscription = new KafkaSubscription(topic as Topic<unknown>, handler as MessageHandler<unknown>, resolved, consumer, {
      wireTopic: wire.topic,
      logger: this.logger,
      deadLetter: (record) => this.deadLetter(record),
      onDone: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    try {
      await subscription.start(this.options.joinTimeoutMs, startAt);
    } catch (err) {
      await subscription.abandon();
      throw translateKafkaError(err, `cannot subscribe group ${wire.groupId} to ${wire.topic}`, topic.name);
    }
    return subscription;
  }

  /**
   * Where a new member of a group without `fromBeginning` starts in each partition the group
   * has no committed offset for: the end of the partition as of now. kafkajs resolves
   * "latest" lazily at its first fetch, which would skip records published between
   * `subscribe` resolving and that fetch; seeking to ends read before joining cannot.
   */
  private async endsWithoutCommits(wireTopic: string, wireGroupId: string, topic: string): Promise<Map<number, string>> {
    const admin = await this.getAdmin();
    // A topic created moments ago may not have settled its partition leaders yet ("not the
    // leader for that topic-partition", retriable): wait for it rather than fail the subscribe.
    return retryRetriable(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId: wireGroupId, topics: [wireTopic] });
        const unset = new Set((committed?.partitions ?? []).filter((p) => p.offset === '-1').map((p) => p.partition));
        if (unset.size === 0) return new Map<number, string>();
        const ends = await admin.fetchTopicOffsets(wireTopic);
        return new Map(ends.filter((p) => unset.has(p.partition)).map((p) => [p.partition, p.high]));
      },
      {
        timeoutMs: this.options.joinTimeoutMs,
        translate: (err) => translateKafkaError(err, `cannot read offsets of group ${wireGroupId} on ${wireTopic}`, topic),
      },
    );
  }

  private async deadLetter(record: EncodedRecord): Promise<void> {
    const wireTopic = this.names.topic(record.topic);
    if (!this.partitionCounts.has(wireTopic)) {
      await this.createTopics(new Map([[wireTopic, { compacted: false, partitions: this.options.defaultPartitions }]]));
    }
    await this.produce([record]);
  }

  // ------------------------------------------------------------------------------------------
  // Shutdown

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.drain(options.timeoutMs ?? 30_000);
    return this.closing;
  }

  private async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await stopSubscriptions([...this.subscriptions], timeoutMs, this.logger);
    let timer: NodeJS.Timeout | undefined;
    const flushed = await Promise.race([
      this.batcher.flush().then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
    if (!flushed) this.logger.warn('unacknowledged records at shutdown deadline', { records: this.batcher.size });
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.all([
      producer?.then((p) => p.disconnect()).catch(() => undefined),
      admin?.then((a) => a.disconnect()).catch(() => undefined),
    ]);
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new BusError('closed', 'the bus is closed', { retriable: false });
  }
}

interface SubscriptionHooks {
  /** The topic as named on the broker. */
  readonly wireTopic: string;
  readonly logger: BusLogger;
  readonly deadLetter: (record: EncodedRecord) => Promise<void>;
  readonly onDone: () => void;
}

/** One group member. `topic` and `groupId` are the registry's / caller's names; kafkajs gets the broker's. */
class KafkaSubscription implements Subscription {
  readonly topic: string;
  readonly groupId: string;
  private readonly wireTopic: string;
  private readonly stopCtl = new AbortController();
  private readonly abandonCtl = new AbortController();
  private readonly handlerSignal = AbortSignal.any([this.stopCtl.signal, this.abandonCtl.signal]);
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly source: Topic<unknown>,
    private readonly handler: MessageHandler<unknown>,
    private readonly options: ResolvedSubscribeOptions,
    private readonly consumer: Consumer,
    private readonly hooks: SubscriptionHooks,
  ) {
    this.topic = source.name;
    this.groupId = options.groupId;
    this.wireTopic = hooks.wireTopic;
  }

  /**
   * Connects, joins the group and starts consuming; resolves after the first join. `startAt`
   * positions partitions without a committed offset (see `endsWithoutCommits`).
   */
  async start(joinTimeoutMs: number, startAt: ReadonlyMap<number, string>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let removeListener: (() => void) | undefined;
    const joined = new Promise<void>((resolve, reject) => {
      removeListener = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        // Emitted synchronously after the join and before the first fetch, so the seeks apply to it.
        for (const [partition, offset] of startAt) this.consumer.seek({ topic: this.wireTopic, partition, offset });
        removeListener?.();
        resolve();
      });
      timer = setTimeout(
        () => reject(new BusError('timeout', `member did not join group ${this.groupId} within ${joinTimeoutMs} ms`, { retriable: true, topic: this.topic })),
        joinTimeoutMs,
      );
    });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [this.wireTopic], fromBeginning: this.options.fromBeginning });
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.concurrency,
        eachBatch: (payload) => this.eachBatch(payload),
      });
      await joined;
    } finally {
      clearTimeout(timer);
      removeListener?.();
    }
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    let lastDone: string | undefined;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || this.stopCtl.signal.aborted) break;
        if (message.value === null) {
          // A tombstone deletes a key of a compacted topic; there is no event to hand over.
          resolveOffset(message.offset);
          lastDone = message.offset;
          continue;
        }
        // Handlers and dead letters see the registry's name; commits below use the broker's.
        const outcome = await deliver(this.source, toIncoming(this.topic, batch.partition, message), this.handler, {
          maxAttempts: this.options.maxAttempts,
          backoff: this.options.retryBackoff,
          stopSignal: this.stopCtl.signal,
          abandonSignal: this.abandonCtl.signal,
          handlerSignal: this.handlerSignal,
          keepAlive: () => heartbeat().catch(() => undefined),
          logger: this.hooks.logger,
        });
        if (outcome.kind === 'interrupted') break;
        if (outcome.kind === 'dead-letter') await this.hooks.deadLetter(outcome.record);
        resolveOffset(message.offset);
        lastDone = message.offset;
        await heartbeat();
      }
    } finally {
      if (lastDone !== undefined && !this.abandonCtl.signal.aborted) {
        const offset = (BigInt(lastDone) + 1n).toString();
        await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }]).catch((err: unknown) => {
          // Not fatal: the records after the last commit are redelivered (at-least-once).
          this.hooks.logger.warn('offset commit failed; records will be redelivered', {
            topic: batch.topic,
            partition: batch.partition,
            offset,
            groupId: this.groupId,
            error: describeError(err),
          });
        });
      }
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopCtl.abort();
      await this.consumer.disconnect().catch((err: unknown) => {
        this.hooks.logger.warn('consumer disconnect failed', { topic: this.topic, groupId: this.groupId, error: describeError(err) });
      });
      this.hooks.onDone();
    })();
    return this.stopping;
  }

  async abandon(): Promise<void> {
    this.abandonCtl.abort();
    await this.stop();
  }
}

/** Creates a Kafka bus; nothing connects until the first call that needs the broker. */
export function createKafkaBus(options: KafkaBusOptions): KafkaBus {
  return new KafkaBus(options);
}
