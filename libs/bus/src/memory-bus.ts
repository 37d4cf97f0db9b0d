import { deadLetterTopicName, type Topic } from '@ratchet/contracts';
import { deliver, resolveSubscribeOptions, type IncomingRecord, type ResolvedSubscribeOptions } from './delivery.js';
import { encodeRecord, type EncodedRecord } from './encoded-record.js';
import { BusError } from './errors.js';
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
import { silentLogger, type BusLogger } from './logger.js';
import { partitionForKey } from './partitioner.js';
import { stopSubscriptions } from './stop-subscriptions.js';

export interface MemoryBusOptions {
  /** Partitions of topics created without an explicit count. Default 3. */
  readonly defaultPartitions?: number;
  /** Records kept per partition of a non-compacted topic; older ones are dropped like Kafka retention. Default 100 000. */
  readonly maxRecordsPerPartition?: number;
  readonly logger?: BusLogger;
  /** Clock for record timestamps. */
  readonly now?: () => number;
}

interface StoredRecord {
  readonly offset: number;
  readonly key: string | undefined;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

/** One partition's log. Compacted partitions keep only the latest record per key, eagerly. */
class PartitionLog {
  private nextOffset = 0;
  private startOffset = 0;
  private readonly records: StoredRecord[] = [];
  private readonly latestByKey = new Map<string, StoredRecord>();

  constructor(
    private readonly compacted: boolean,
    private readonly maxRecords: number,
  ) {}

  append(record: Omit<StoredRecord, 'offset'>): number {
    const stored: StoredRecord = { ...record, offset: this.nextOffset++ };
    if (this.compacted) {
      // Delete first so Map iteration order stays offset order.
      this.latestByKey.delete(stored.key as string);
      this.latestByKey.set(stored.key as string, stored);
    } else {
      this.records.push(stored);
      if (this.records.length > this.maxRecords * 1.1) {
        const drop = this.records.length - this.maxRecords;
        this.records.splice(0, drop);
        this.startOffset += drop;
      }
    }
    return stored.offset;
  }

  get end(): number {
    return this.nextOffset;
  }

  /** The first retained record at or after `offset`. */
  read(offset: number): StoredRecord | undefined {
    if (offset >= this.nextOffset) return undefined;
    if (!this.compacted) return this.records[Math.max(0, offset - this.startOffset)];
    for (const record of this.latestByKey.values()) if (record.offset >= offset) return record;
    return undefined;
  }
}

interface Member {
  readonly id: number;
  /** The subscriber's view of the topic: its codec decodes (a DLQ reader sees raw bytes). */
  readonly topic: Topic<unknown>;
  readonly handler: MessageHandler<unknown>;
  readonly options: ResolvedSubscribeOptions;
  readonly stop: AbortController;
  readonly abandon: AbortController;
  readonly handlerSignal: AbortSignal;
  readonly inFlight: Set<Promise<void>>;
  active: number;
}

/** A consumer group on one topic: committed positions, members and partition ownership. */
class Group {
  readonly committed: number[];
  readonly members: Member[] = [];
  private readonly owner: (Member | undefined)[];
  private readonly busy: boolean[];

  constructor(
    private readonly topicState: TopicState,
    private readonly bus: MemoryBus,
    fromBeginning: boolean,
  ) {
    const logs = topicState.partitions;
    this.committed = logs.map((log) => (fromBeginning ? 0 : log.end));
    this.owner = logs.map(() => undefined);
    this.busy = logs.map(() => false);
  }

  join(member: Member): void {
    this.members.push(member);
    this.rebalance();
  }

  leave(member: Member): void {
    const at = this.members.indexOf(member);
    if (at >= 0) this.members.splice(at, 1);
    this.rebalance();
  }

  /** Round-robin assignment in join order; then every partition with work gets pumped. */
  private rebalance(): void {
    for (let p = 0; p < this.owner.length; p++) this.owner[p] = this.members[p % Math.max(1, this.members.length)];
    this.pumpAll();
  }

  pumpAll(): void {
    for (let p = 0; p < this.owner.length; p++) this.pump(p);
  }

  private pump(partition: number): void {
    const member = this.owner[partition];
    if (member === undefined || this.busy[partition] || member.stop.signal.aborted) return;
    if (member.active >= member.options.concurrency) return;
    const stored = this.topicState.partitions[partition]?.read(this.committed[partition] ?? 0);
    if (stored === undefined) return;
    this.busy[partition] = true;
    member.active++;
    const record: IncomingRecord = {
      topic: this.topicState.topic.name,
      partition,
      offset: String(stored.offset),
      key: stored.key,
      value: stored.value,
      headers: stored.headers,
      timestamp: stored.timestamp,
    };
    const done = deliver(member.topic, record, member.handler, {
      maxAttempts: member.options.maxAttempts,
      backoff: member.options.retryBackoff,
      stopSignal: member.stop.signal,
      abandonSignal: member.abandon.signal,
      handlerSignal: member.handlerSignal,
      logger: this.bus.logger,
    })
      .then((outcome) => {
        if (outcome.kind === 'interrupted') return;
        if (outcome.kind === 'dead-letter') this.bus.appendEncoded(outcome.record);
        this.committed[partition] = stored.offset + 1;
      })
      .catch((err: unknown) => {
        // deliver() does not throw for handler errors; reaching here is a bug in the bus itself.
        this.bus.logger.error('memory bus delivery failed', { topic: record.topic, partition, error: String(err) });
      })
      .finally(() => {
        this.busy[partition] = false;
        member.active--;
        member.inFlight.delete(done);
        // A fresh macrotask per record keeps a long backlog from starving timers and I/O.
        setImmediate(() => this.pumpAll());
      });
    member.inFlight.add(done);
  }
}

/** A topic: its partitions, consumer groups and round-robin cursor for keyless records. */
class TopicState {
  readonly partitions: PartitionLog[];
  readonly groups = new Map<string, Group>();
  roundRobin = 0;

  constructor(
    readonly topic: Topic<unknown>,
    partitions: number,
    maxRecords: number,
  ) {
    this.partitions = Array.from({ length: partitions }, () => new PartitionLog(topic.compacted, maxRecords));
  }
}

/**
 * The in-process {@link EventBus}: the embedded default (`ratchet up`) and the reference for
 * unit tests. Same semantics as the Kafka bus: keyed partitions (Kafka's murmur2), consumer
 * groups, at-least-once delivery with retries then `<topic>.dlq`, compacted topics, headers
 * and traceparent. Records are acknowledged as soon as they are appended.
 */
export class MemoryBus implements EventBus {
  readonly kind = 'memory' as const;
  readonly logger: BusLogger;
  private readonly topics = new Map<string, TopicState>();
  private readonly subscriptions = new Set<MemorySubscription>();
  private readonly defaultPartitions: number;
  private readonly maxRecords: number;
  private readonly now: () => number;
  private nextMemberId = 1;
  private closing: Promise<void> | undefined;

  constructor(options: MemoryBusOptions = {}) {
    this.defaultPartitions = options.defaultPartitions ?? 3;
    this.maxRecords = options.maxRecordsPerPartition ?? 100_000;
    if (!Number.isInteger(this.defaultPartitions) || this.defaultPartitions < 1) {
      throw new RangeError(`defaultPartitions must be a positive integer, got ${options.defaultPartitions}`);
    }
    if (!Number.isInteger(this.maxRecords) || this.maxRecords < 1) {
      throw new RangeError(`maxRecordsPerPartition must be a positive integer, got ${options.maxRecordsPerPartition}`);
    }
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  async ensureTopics(topics: readonly Topic<unknown>[], options: EnsureTopicsOptions = {}): Promise<void> {
    this.assertOpen();
    if (options.partitions !== undefined && (!Number.isInteger(options.partitions) || options.partitions < 1)) {
      throw new BusError('invalid-argument', `partitions must be a positive integer, got ${options.partitions}`, { retriable: false });
    }
    for (const topic of topics) {
      const partitions = options.partitions ?? topic.partitions ?? this.defaultPartitions;
      this.createTopic(topic, partitions);
      this.createTopic({ ...topic, name: deadLetterTopicName(topic), compacted: false }, partitions);
    }
  }

  private createTopic(topic: Topic<unknown>, partitions: number): void {
    if (!this.topics.has(topic.name)) this.topics.set(topic.name, new TopicState(topic, partitions, this.maxRecords));
  }

  async publish<T>(topic: Topic<T>, message: T, options?: PublishOptions): Promise<PublishReceipt> {
    const [receipt] = await this.publishEncoded([encodeRecord(topic, message, options)]);
    return receipt as PublishReceipt;
  }

  async publishBatch<T>(topic: Topic<T>, messages: readonly T[], options?: PublishOptions): Promise<PublishReceipt[]> {
    return this.publishEncoded(messages.map((m) => encodeRecord(topic, m, options)));
  }

  async publishEncoded(records: readonly EncodedRecord[]): Promise<PublishReceipt[]> {
    this.assertOpen();
    // Check every record first so a batch is all-or-nothing, as a failed Kafka batch is.
    for (const record of records) this.stateFor(record);
    return records.map((record) => this.appendEncoded(record));
  }

  /** Appends without the open check: dead letters are still written while draining. */
  appendEncoded(record: EncodedRecord): PublishReceipt {
    const state = this.stateFor(record);
    const partitions = state.partitions.length;
    const partition =
      record.key === undefined ? state.roundRobin++ % partitions : partitionForKey(record.key, partitions);
    const log = state.partitions[partition];
    if (log === undefined) throw new Error(`memory bus: no partition ${partition} in ${record.topic}`);
    const offset = log.append({
      key: record.key,
      value: record.value,
      headers: { ...record.headers },
      timestamp: this.now(),
    });
    for (const group of state.groups.values()) group.pumpAll();
    return { topic: record.topic, partition, offset: String(offset) };
  }

  private stateFor(record: EncodedRecord): TopicState {
    const state = this.topics.get(record.topic);
    if (state === undefined) {
      throw new BusError('unknown-topic', `topic ${record.topic} does not exist; create it with ensureTopics`, {
        retriable: true,
        topic: record.topic,
      });
    }
    if (state.topic.compacted && record.key === undefined) {
      throw new BusError('invalid-argument', `compacted topic ${record.topic} needs a key on every record`, {
        retriable: false,
        topic: record.topic,
      });
    }
    return state;
  }

  async subscribe<T>(topic: Topic<T>, handler: MessageHandler<T>, options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const resolved = resolveSubscribeOptions(topic.name, options);
    await this.ensureTopics([topic as Topic<unknown>]);
    const state = this.stateFor({ topic: topic.name, key: '', value: new Uint8Array(), headers: {} });
    let group = state.groups.get(resolved.groupId);
    if (group === undefined) {
      group = new Group(state, this, resolved.fromBeginning);
      state.groups.set(resolved.groupId, group);
    }
    const stop = new AbortController();
    const abandon = new AbortController();
    const member: Member = {
      id: this.nextMemberId++,
      topic: topic as Topic<unknown>,
      handler: handler as MessageHandler<unknown>,
      options: resolved,
      stop,
      abandon,
      handlerSignal: AbortSignal.any([stop.signal, abandon.signal]),
      inFlight: new Set(),
      active: 0,
    };
    const subscription = new MemorySubscription(topic.name, resolved.groupId, group, member, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    group.join(member);
    return subscription;
  }

  async flush(): Promise<void> {
    // Appends are synchronous: everything published is already acknowledged.
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.drain(options.timeoutMs ?? 30_000);
    return this.closing;
  }

  private async drain(timeoutMs: number): Promise<void> {
    await stopSubscriptions([...this.subscriptions], timeoutMs, this.logger);
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new BusError('closed', 'the bus is closed', { retriable: false });
  }
}

class MemorySubscription implements Subscription {
  private stopping: Promise<void> | undefined;

  constructor(
    readonly topic: string,
    readonly groupId: string,
    private readonly group: Group,
    private readonly member: Member,
    private readonly onDone: () => void,
  ) {}

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.member.stop.abort();
      await Promise.all([...this.member.inFlight]);
      this.group.leave(this.member);
      this.onDone();
    })();
    return this.stopping;
  }

  async abandon(): Promise<void> {
    this.member.abandon.abort();
    this.member.stop.abort();
    // Leave first so the partitions move on; the interrupted deliveries then settle without committing.
    this.group.leave(this.member);
    await Promise.all([...this.member.inFlight]);
    this.onDone();
  }
}

/** Creates an in-memory bus. */
export function createMemoryBus(options: MemoryBusOptions = {}): MemoryBus {
  return new MemoryBus(options);
}
