import { EventEmitter } from 'node:events';
import type { Topic } from '@ratchet/contracts';
import { abortableDelay, backoffDelay, resolveBackoff } from './backoff.js';
import { encodeRecord, type EncodedRecord } from './encoded-record.js';
import { BusError, describeError, isRetriable } from './errors.js';
import type { BackoffOptions, EventBus, PublishOptions } from './event-bus.js';
import { silentLogger, type BusLogger } from './logger.js';

export interface BufferedPublisherOptions {
  /** Records waiting to be sent (the batch being sent is not counted). Default 10 000. */
  readonly capacity?: number;
  /**
   * What a full buffer gives up. `drop-oldest` (default) keeps the freshest records, which a
   * monitor joining recent predictions with their labels values most; `drop-newest` keeps the
   * start of an outage intact instead.
   */
  readonly overflow?: 'drop-oldest' | 'drop-newest';
  /** Records sent together. Default 500. */
  readonly maxBatch?: number;
  /** Backoff between failed attempts. Default 100 ms doubling to 10 s. */
  readonly backoff?: BackoffOptions;
  readonly logger?: BusLogger;
}

/** What happened to offered records so far. */
export interface BufferedPublisherCounters {
  /** Records accepted by `offer`. */
  readonly offered: number;
  /** Records waiting or being sent right now. */
  readonly queued: number;
  readonly delivered: number;
  /** Records given up because the buffer was full, the publisher closed, or a record was rejected as invalid. */
  readonly dropped: number;
  /** Sends that failed and will be retried. */
  readonly failedAttempts: number;
}

interface PublisherEvents {
  delivered: [count: number];
  'attempt-failed': [error: BusError];
  dropped: [count: number, reason: string];
  idle: [];
}

/**
 * Hands records to a bus in the background so that producing never blocks or fails the caller
 * (the prediction service logs every response this way). `offer` encodes the record (keeping
 * the caller's trace) and returns at once; a loop sends batches, retrying with backoff while
 * the broker is unreachable, in offer order. Overflow and give-ups are counted and logged once
 * per burst, never silent. Delivery is at least once: a batch whose acknowledgement was lost
 * is sent again.
 */
export class BufferedPublisher {
  /** `delivered`, `attempt-failed`, `dropped` and `idle` events, for metrics and tests. */
  readonly events = new EventEmitter<PublisherEvents>();
  private readonly capacity: number;
  private readonly overflow: 'drop-oldest' | 'drop-newest';
  private readonly maxBatch: number;
  private readonly backoff: Required<BackoffOptions>;
  private readonly logger: BusLogger;
  private readonly closeCtl = new AbortController();
  private queue: EncodedRecord[] = [];
  private inFlight: EncodedRecord[] = [];
  private running = false;
  private closed = false;
  private failureStreak = 0;
  private dropBurst = 0;
  private isolate = 0;
  private stats = { offered: 0, delivered: 0, dropped: 0, failedAttempts: 0 };

  constructor(
    private readonly bus: Pick<EventBus, 'publishEncoded'>,
    options: BufferedPublisherOptions = {},
  ) {
    this.capacity = options.capacity ?? 10_000;
    this.overflow = options.overflow ?? 'drop-oldest';
    this.maxBatch = options.maxBatch ?? 500;
    this.backoff = resolveBackoff({ initialMs: 100, maxMs: 10_000, ...options.backoff });
    this.logger = options.logger ?? silentLogger;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${options.capacity}`);
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${options.maxBatch}`);
    if (this.overflow !== 'drop-oldest' && this.overflow !== 'drop-newest') {
      throw new RangeError(`overflow must be drop-oldest or drop-newest, got ${String(options.overflow)}`);
    }
  }

  /**
   * Queues a record for `topic` and returns at once: true when it was queued, false when it
   * was dropped (buffer full with `drop-newest`, publisher closed, message not encodable).
   * Never throws.
   */
  offer<T>(topic: Topic<T>, message: T, options?: PublishOptions): boolean {
    let record: EncodedRecord;
    try {
      record = encodeRecord(topic, message, options);
    } catch (err) {
      this.drop(1, `not encodable: ${describeError(err)}`);
      return false;
    }
    return this.offerEncoded(record);
  }

  /** Queues an already encoded record; see {@link offer}. */
  offerEncoded(record: EncodedRecord): boolean {
    if (this.closed) {
      this.drop(1, 'publisher closed');
      return false;
    }
    this.stats.offered++;
    let accepted = true;
    if (this.queue.length >= this.capacity) {
      if (this.overflow === 'drop-newest') accepted = false;
      else this.queue.shift();
      this.drop(1, 'buffer full');
    }
    if (accepted) this.queue.push(record);
    this.pump();
    return accepted;
  }

  get counters(): BufferedPublisherCounters {
    return { ...this.stats, queued: this.queue.length + this.inFlight.length };
  }

  /** Resolves true once everything offered so far was delivered or dropped, false at the timeout. */
  flush({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.idle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.events.off('idle', onIdle);
        resolve(false);
      }, timeoutMs);
      this.events.once('idle', onIdle);
    });
  }

  /** Stops accepting records, delivers what it can within `timeoutMs`, then drops and counts the rest. */
  async close({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush({ timeoutMs });
    this.closeCtl.abort();
    const left = this.queue.length + this.inFlight.length;
    this.queue = [];
    this.inFlight = [];
    if (left > 0) this.drop(left, 'publisher closed before the broker accepted them');
    this.endDropBurst();
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.inFlight.length === 0;
  }

  private pump(): void {
    if (this.running) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      if (this.idle()) this.events.emit('idle');
      else if (!this.closeCtl.signal.aborted) this.pump();
    });
  }

  private async loop(): Promise<void> {
    while (!this.closeCtl.signal.aborted && (this.inFlight.length > 0 || this.queue.length > 0)) {
      if (this.inFlight.length === 0) {
        const size = this.isolate > 0 ? 1 : this.maxBatch;
        this.inFlight = this.queue.splice(0, size);
        if (this.isolate > 0) this.isolate--;
      }
      const batch = this.inFlight;
      try {
        await this.bus.publishEncoded(batch);
        if (this.inFlight === batch) {
          this.inFlight = [];
          this.delivered(batch.length);
        } else {
          // close() gave up on this batch and counted it dropped; it made it after all.
          this.stats.dropped -= batch.length;
          this.stats.delivered += batch.length;
        }
        continue;
      } catch (err) {
        if (this.inFlight !== batch) return;
        if (!isRetriable(err)) {
          this.rejected(err);
          continue;
        }
        this.attemptFailed(err);
      }
      await abortableDelay(backoffDelay(this.failureStreak, this.backoff), this.closeCtl.signal);
    }
  }

  private delivered(count: number): void {
    this.stats.delivered += count;
    if (this.failureStreak > 0) {
      this.logger.info('buffered records flowing again', { failedAttempts: this.failureStreak, queued: this.queue.length });
      this.failureStreak = 0;
    }
    if (this.queue.length < this.capacity) this.endDropBurst();
    this.events.emit('delivered', count);
  }

  private attemptFailed(err: unknown): void {
    const error = err instanceof BusError ? err : new BusError('broker', describeError(err), { retriable: true, cause: err });
    this.stats.failedAttempts++;
    if (this.failureStreak === 0) {
      this.logger.warn('cannot publish; buffering records and retrying', { error: error.message, queued: this.counters.queued });
    }
    this.failureStreak++;
    this.events.emit('attempt-failed', error);
  }

  /** A non-retriable failure: isolate the bad record by resending one at a time, then drop it. */
  private rejected(err: unknown): void {
    if (this.inFlight.length > 1) {
      this.queue.unshift(...this.inFlight);
      this.isolate = this.inFlight.length;
      this.inFlight = [];
      return;
    }
    this.inFlight = [];
    this.logger.error('record rejected by the bus; dropped', { error: describeError(err) });
    this.drop(1, `rejected: ${describeError(err)}`);
  }

  private drop(count: number, reason: string): void {
    this.stats.dropped += count;
    if (this.dropBurst === 0) {
      this.logger.warn(`dropping records (${this.overflow === 'drop-oldest' ? 'oldest first' : 'newest first'})`, {
        reason,
        capacity: this.capacity,
      });
    }
    this.dropBurst += count;
    this.events.emit('dropped', count, reason);
  }

  private endDropBurst(): void {
    if (this.dropBurst === 0) return;
    this.logger.warn('records dropped in this burst', { dropped: this.dropBurst, totalDropped: this.stats.dropped });
    this.dropBurst = 0;
  }
}
