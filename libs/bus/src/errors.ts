/** What went wrong, coarse enough to branch on. */
export type BusErrorCode =
  | 'unknown-topic'
  | 'encode-failed'
  | 'decode-failed'
  | 'timeout'
  | 'connection'
  | 'closed'
  | 'invalid-argument'
  | 'broker'
  | 'handler-failed';

export interface BusErrorOptions {
  /** Whether trying the same operation again may succeed (a broker that is down comes back; a bad argument stays bad). */
  retriable: boolean;
  topic?: string;
  cause?: unknown;
}

/**
 * The one error type the bus throws. Callers branch on `retriable` instead of guessing from
 * the message: a retry loop retries only what can succeed later.
 */
export class BusError extends Error {
  readonly code: BusErrorCode;
  readonly retriable: boolean;
  readonly topic: string | undefined;

  constructor(code: BusErrorCode, message: string, options: BusErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BusError';
    this.code = code;
    this.retriable = options.retriable;
    this.topic = options.topic;
  }
}

/**
 * Whether an error thrown by a handler or the bus is worth retrying. Errors that carry a
 * boolean `retriable` flag (ours, kafkajs') decide for themselves; anything else is assumed
 * transient, because a handler failing on a flaky dependency is the common case and
 * `maxAttempts` bounds the cost of being wrong.
 */
export function isRetriable(err: unknown): boolean {
  if (typeof err === 'object' && err !== null && 'retriable' in err) {
    const flag = (err as { retriable: unknown }).retriable;
    if (typeof flag === 'boolean') return flag;
  }
  return true;
}

/** A short, single-line description of any thrown value, for logs and DLQ headers. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.split('\n')[0] ?? err.name;
  return String(err).split('\n')[0] ?? 'unknown error';
}
