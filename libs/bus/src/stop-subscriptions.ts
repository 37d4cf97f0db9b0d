import type { Subscription } from './event-bus.js';
import type { BusLogger } from './logger.js';

/**
 * Stops subscriptions gracefully, abandoning those still draining after `timeoutMs` so that
 * shutdown always ends (their records are redelivered to the next member).
 */
export async function stopSubscriptions(subscriptions: readonly Subscription[], timeoutMs: number, logger: BusLogger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const graceful = Promise.all(subscriptions.map((s) => s.stop())).then(() => 'done' as const);
  const result = await Promise.race([graceful, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    logger.warn('handlers still running at shutdown deadline; abandoning them (their records will be redelivered)', {
      timeoutMs,
      subscriptions: subscriptions.map((s) => `${s.topic}/${s.groupId}`),
    });
    await Promise.all(subscriptions.map((s) => s.abandon()));
  }
}
