import { abortableDelay, backoffDelay, resolveBackoff } from './backoff.js';
import type { BackoffOptions } from './event-bus.js';
import { isRetriable } from './errors.js';

/** Options of {@link retryRetriable}. */
export interface RetryOptions {
  /** Give up (rethrow the last error) once this much time has passed. Default 15 000. */
  readonly timeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Turns a thrown value into the error to judge and rethrow (e.g. a Kafka error translator). */
  readonly translate?: (err: unknown) => unknown;
}

/**
 * Calls `fn` until it succeeds, retrying with exponential backoff while the error says a retry
 * helps (`retriable`), for at most `timeoutMs`. A non-retriable error is rethrown at once.
 * Used where a freshly created topic may not have settled its partition leaders yet.
 */
export async function retryRetriable<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { timeoutMs = 15_000, translate = (e: unknown) => e } = options;
  const backoff = resolveBackoff({ initialMs: 100, maxMs: 1_000, multiplier: 2, ...options.backoff });
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (raw) {
      const err = translate(raw);
      const wait = backoffDelay(attempt, backoff);
      if (!isRetriable(err) || Date.now() + wait > deadline) throw err;
      await abortableDelay(wait);
    }
  }
}
