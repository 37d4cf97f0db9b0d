import { context, type Context } from '@opentelemetry/api';
import { Headers, type Topic } from '@ratchet/contracts';
import { abortableDelay, backoffDelay, resolveBackoff, whenAborted } from './backoff.js';
import { deadLetterRecord, RAW_BYTES_TYPE } from './dead-letter.js';
import type { EncodedRecord } from './encoded-record.js';
import type { BackoffOptions, MessageHandler, SubscribeOptions } from './event-bus.js';
import { BusError, describeError, isRetriable } from './errors.js';
import type { BusLogger } from './logger.js';
import { contextFromTraceHeaders } from './traceparent.js';

/** A record as read from a partition, before decoding. */
export interface IncomingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | undefined;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

/** What became of one record: commit it (handled or dead-lettered) or leave it for redelivery. */
export type DeliveryOutcome =
  | { readonly kind: 'handled'; readonly attempts: number }
  | { readonly kind: 'dead-letter'; readonly record: EncodedRecord; readonly attempts: number; readonly reason: string }
  | { readonly kind: 'interrupted' };

export interface DeliveryOptions {
  readonly maxAttempts: number;
  readonly backoff: Required<BackoffOptions>;
  /** Graceful stop: no further attempt starts; a failed in-flight attempt leaves the record uncommitted. */
  readonly stopSignal: AbortSignal;
  /** Crash: stop waiting for the handler at once; the record stays uncommitted. */
  readonly abandonSignal: AbortSignal;
  /** Signal handed to the handler: aborts on stop or abandon. */
  readonly handlerSignal: AbortSignal;
  /** Called while waiting between attempts (Kafka heartbeats so a long backoff is not a dead member). */
  readonly keepAlive?: () => Promise<void>;
  readonly logger: BusLogger;
}

/**
 * Decodes a record and runs the handler with retries; the bus-independent core of consuming.
 * The handler runs inside the OpenTelemetry context carried by the record's `traceparent`.
 * Returns `dead-letter` for undecodable records, records of the wrong type, handler errors
 * marked non-retriable, and handlers still failing after `maxAttempts`.
 */
export async function deliver<T>(
  topic: Topic<T>,
  record: IncomingRecord,
  handler: MessageHandler<T>,
  options: DeliveryOptions,
): Promise<DeliveryOutcome> {
  const deadLetter = (reason: string, attempts: number): DeliveryOutcome => {
    options.logger.warn('record sent to dead-letter topic', {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      attempts,
      reason,
    });
    return { kind: 'dead-letter', attempts, reason, record: deadLetterRecord({ ...record, reason, attempts }) };
  };

  const declaredType = record.headers[Headers.messageType];
  if (declaredType !== undefined && topic.codec.typeName !== RAW_BYTES_TYPE && declaredType !== topic.codec.typeName) {
    return deadLetter(`type mismatch: expected ${topic.codec.typeName}, record declares ${declaredType}`, 0);
  }
  let message: T;
  try {
    message = topic.codec.decode(record.value);
  } catch (err) {
    return deadLetter(`decode failed (${topic.codec.typeName}): ${describeError(err)}`, 0);
  }

  const traceContext = contextFromTraceHeaders(record.headers);
  const abandonWatch = whenAborted(options.abandonSignal);
  try {
    return await attemptAll(topic, record, message, handler, options, traceContext, abandonWatch.promise, deadLetter);
  } finally {
    abandonWatch.dispose();
  }
}

async function attemptAll<T>(
  topic: Topic<T>,
  record: IncomingRecord,
  message: T,
  handler: MessageHandler<T>,
  options: DeliveryOptions,
  traceContext: Context,
  abandonedPromise: Promise<void>,
  deadLetter: (reason: string, attempts: number) => DeliveryOutcome,
): Promise<DeliveryOutcome> {
  const abandoned = abandonedPromise.then(() => 'abandoned' as const);
  for (let attempt = 1; ; attempt++) {
    if (options.stopSignal.aborted || options.abandonSignal.aborted) return { kind: 'interrupted' };
    const ctx = {
      topic: record.topic,
      key: record.key,
      headers: record.headers,
      partition: record.partition,
      offset: record.offset,
      traceparent: record.headers[Headers.traceparent],
      attempt,
      timestamp: record.timestamp,
      signal: options.handlerSignal,
    };
    const run = context.with(traceContext, async () => {
      await handler(message, ctx);
      return 'ok' as const;
    });
    let failure: unknown;
    try {
      if ((await Promise.race([run, abandoned])) === 'abandoned') {
        run.catch(() => undefined); // its outcome no longer matters; do not let it go unhandled
        return { kind: 'interrupted' };
      }
      return { kind: 'handled', attempts: attempt };
    } catch (err) {
      failure = err;
    }
    if (options.abandonSignal.aborted || options.stopSignal.aborted) return { kind: 'interrupted' };
    if (!isRetriable(failure)) return deadLetter(`handler failed (not retriable): ${describeError(failure)}`, attempt);
    if (attempt >= options.maxAttempts) {
      return deadLetter(`handler failed after ${attempt} attempts: ${describeError(failure)}`, attempt);
    }
    options.logger.debug('handler failed; retrying', {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      attempt,
      error: describeError(failure),
    });
    await options.keepAlive?.();
    await abortableDelay(backoffDelay(attempt, options.backoff), options.handlerSignal);
  }
}

/** Subscribe options with defaults applied. */
export interface ResolvedSubscribeOptions {
  readonly groupId: string;
  readonly fromBeginning: boolean;
  readonly maxAttempts: number;
  readonly retryBackoff: Required<BackoffOptions>;
  readonly concurrency: number;
}

/** Applies defaults to subscribe options and rejects invalid ones before anything starts. */
export function resolveSubscribeOptions(topic: string, options: SubscribeOptions): ResolvedSubscribeOptions {
  const invalid = (what: string) =>
    new BusError('invalid-argument', `subscribe(${topic}): ${what}`, { retriable: false, topic });
  if (typeof options.groupId !== 'string' || options.groupId.trim() === '') throw invalid('groupId must be a non-empty string');
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw invalid(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw invalid(`concurrency must be an integer >= 1, got ${concurrency}`);
  let retryBackoff: Required<BackoffOptions>;
  try {
    retryBackoff = resolveBackoff(options.retryBackoff);
  } catch (err) {
    throw invalid((err as Error).message);
  }
  return { groupId: options.groupId, fromBeginning: options.fromBeginning ?? false, maxAttempts, retryBackoff, concurrency };
}
