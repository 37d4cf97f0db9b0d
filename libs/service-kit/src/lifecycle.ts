import { silentLogger, type Logger } from './logger.js';

/** Stops one component: close a server, drain a queue, flush a producer, disconnect. */
export type Stopper = () => Promise<void>;

/** What happened during {@link Lifecycle.stop}. */
export interface StopResult {
  /** True when every component stopped without error before the timeout. */
  readonly ok: boolean;
  /** The exit code a process should use: 0 when `ok`, else 1. */
  readonly exitCode: 0 | 1;
  /** Why stop was requested (`SIGTERM`, `fatal error`, …). */
  readonly reason: string;
  /** Components that stopped cleanly, in the order they were stopped. */
  readonly stopped: readonly string[];
  /** Components whose stopper threw or rejected. */
  readonly failed: readonly { readonly name: string; readonly error: unknown }[];
  /** True when the timeout elapsed first; `pending` then lists who had not finished. */
  readonly timedOut: boolean;
  /** Components that had not finished (or not started stopping) when the timeout elapsed. */
  readonly pending: readonly string[];
  readonly durationMs: number;
}

/** The process-like object signal handling talks to; `process` by default, a fake in tests. */
export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
  exit(code: number): unknown;
}

export interface SignalHandlerOptions {
  signals?: readonly NodeJS.Signals[];
  target?: SignalTarget;
}

export interface Lifecycle {
  /**
   * Registers a component's stopper. Call it right after the component starts, so the
   * registration order is the start order; components stop in reverse (last started, first stopped).
   * @throws {Error} once stopping has begun: a component started that late would leak.
   */
  add(name: string, stop: Stopper): void;
  /**
   * Stops every component in reverse registration order, one at a time, within the timeout.
   * Idempotent: every call, concurrent or later, returns the same promise. Never rejects.
   */
  stop(reason?: string): Promise<StopResult>;
  /** Runs `listener` once stop has finished (immediately-next-tick if it already has). */
  onStopped(listener: (result: StopResult) => void): void;
  /**
   * Traps SIGTERM and SIGINT: the first signal stops the lifecycle then exits with the result's
   * exit code; a second signal while stopping exits with 1 at once. Returns an uninstaller.
   */
  installSignalHandlers(options?: SignalHandlerOptions): () => void;
  readonly stopping: boolean;
}

export interface LifecycleOptions {
  logger?: Logger;
  /** Budget for the whole shutdown; the default sits under Kubernetes' 30 s grace period. */
  timeoutMs?: number;
}

/**
 * Creates an ordered-shutdown lifecycle that services compose (they do not extend it).
 *
 * Components stop sequentially in reverse start order so that intake stops before the work it
 * feeds is drained, and producers flush before their connections close. A failing stopper is
 * logged and recorded, and the rest still run: a half-stopped process is worse than a noisy one.
 */
export function createLifecycle({ logger = silentLogger, timeoutMs = 25_000 }: LifecycleOptions = {}): Lifecycle {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`createLifecycle: timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  const components: { name: string; stop: Stopper }[] = [];
  const listeners: ((result: StopResult) => void)[] = [];
  let stopPromise: Promise<StopResult> | undefined;
  let finalResult: StopResult | undefined;

  const run = async (reason: string): Promise<StopResult> => {
    const startedAt = performance.now();
    const order = components.slice().reverse();
    const stopped: string[] = [];
    const failed: { name: string; error: unknown }[] = [];
    let next = 0;
    logger.info('stopping', { reason, components: order.map((c) => c.name), timeoutMs });

    const sequence = (async () => {
      for (; next < order.length; next++) {
        const { name, stop } = order[next] as { name: string; stop: Stopper };
        const t0 = performance.now();
        try {
          await stop();
          stopped.push(name);
          logger.info('component stopped', { component: name, ms: Math.round(performance.now() - t0) });
        } catch (error) {
          failed.push({ name, error });
          logger.error('component failed to stop', { component: name, error });
        }
      }
    })();

    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      sequence.then(() => false),
      new Promise<true>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);

    const pending = timedOut ? order.slice(next).map((c) => c.name) : [];
    const ok = !timedOut && failed.length === 0;
    const result: StopResult = {
      ok,
      exitCode: ok ? 0 : 1,
      reason,
      stopped,
      failed,
      timedOut,
      pending,
      durationMs: Math.round(performance.now() - startedAt),
    };
    if (timedOut) logger.error('stop timed out', { timeoutMs, pending });
    logger.info('stopped', { ok, durationMs: result.durationMs, failed: failed.map((f) => f.name) });
    finalResult = result;
    for (const listener of listeners.splice(0)) notify(listener, result);
    return result;
  };

  const notify = (listener: (result: StopResult) => void, result: StopResult) => {
    try {
      listener(result);
    } catch (error) {
      logger.error('onStopped listener threw', { error });
    }
  };

  const lifecycle: Lifecycle = {
    add(name, stop) {
      if (stopPromise !== undefined) {
        throw new Error(`lifecycle: cannot add "${name}" after stop has begun; stop it directly instead`);
      }
      if (typeof stop !== 'function') throw new TypeError(`lifecycle: stopper for "${name}" must be a function`);
      components.push({ name, stop });
    },
    stop(reason = 'stop requested') {
      stopPromise ??= run(reason);
      return stopPromise;
    },
    onStopped(listener) {
      if (finalResult !== undefined) {
        const result = finalResult;
        queueMicrotask(() => notify(listener, result));
      } else {
        listeners.push(listener);
      }
    },
    installSignalHandlers({ signals = ['SIGTERM', 'SIGINT'], target = process }: SignalHandlerOptions = {}) {
      const handler = (signal: NodeJS.Signals) => () => {
        if (stopPromise !== undefined) {
          logger.warn('second signal while stopping, exiting now', { signal });
          target.exit(1);
          return;
        }
        logger.info('signal received', { signal });
        void lifecycle.stop(signal).then((result) => target.exit(result.exitCode));
      };
      const installed = signals.map((signal) => ({ signal, listener: handler(signal) }));
      for (const { signal, listener } of installed) target.on(signal, listener);
      return () => {
        for (const { signal, listener } of installed) target.off(signal, listener);
      };
    },
    get stopping() {
      return stopPromise !== undefined;
    },
  };
  return lifecycle;
}
