import type { BackoffOptions } from './event-bus.js';

/** Backoff used when the caller gives none. */
export const defaultBackoff: Required<BackoffOptions> = { initialMs: 100, maxMs: 5_000, multiplier: 2 };

/** Validates backoff options and fills in defaults. */
export function resolveBackoff(options: BackoffOptions = {}): Required<BackoffOptions> {
  const resolved = { ...defaultBackoff, ...options };
  if (!(resolved.initialMs >= 0) || !(resolved.maxMs >= resolved.initialMs) || !(resolved.multiplier >= 1)) {
    throw new RangeError(`invalid backoff ${JSON.stringify(options)}: need 0 <= initialMs <= maxMs and multiplier >= 1`);
  }
  return resolved;
}

/**
 * Delay before retry number `retry` (1 for the first retry): `min(maxMs, initialMs *
 * multiplier^(retry-1))`, scaled by a random factor in [0.8, 1.2] so members retrying the
 * same outage do not hit the broker in lockstep.
 */
export function backoffDelay(retry: number, options: Required<BackoffOptions>, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.multiplier ** Math.max(0, retry - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Waits `ms`, or less when `signal` aborts; resolves true when the full delay elapsed. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A promise that resolves when `signal` aborts, and `dispose` to drop its listener when no longer needed. */
export function whenAborted(signal: AbortSignal): { promise: Promise<void>; dispose: () => void } {
  if (signal.aborted) return { promise: Promise.resolve(), dispose: () => undefined };
  let onAbort!: () => void;
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
