import { EventEmitter } from 'node:events';
import { describe, it, expect, vi, afterEach } from 'vitest';
import { createLifecycle, type SignalTarget } from './lifecycle.js';

class FakeProcess extends EventEmitter implements SignalTarget {
  readonly exits: number[] = [];
  /** Settles with the first exit code. */
  readonly exited: Promise<number>;
  private readonly resolveExit: (code: number) => void;
  constructor() {
    super();
    let resolve!: (code: number) => void;
    this.exited = new Promise<number>((r) => (resolve = r));
    this.resolveExit = resolve;
  }
  exit(code: number): void {
    this.exits.push(code);
    this.resolveExit(code);
  }
}

/** A promise whose settlement the test controls. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createLifecycle', () => {
  it('stops components in reverse registration order', async () => {
    const lifecycle = createLifecycle();
    const order: string[] = [];
    for (const name of ['bus', 'model-cache', 'grpc-server']) {
      lifecycle.add(name, async () => {
        order.push(name);
      });
    }
    const result = await lifecycle.stop('test');
    expect(order).toEqual(['grpc-server', 'model-cache', 'bus']);
    expect(result).toMatchObject({ ok: true, exitCode: 0, reason: 'test', stopped: order, failed: [], timedOut: false });
  });

  it('waits for each stopper before starting the next', async () => {
    const lifecycle = createLifecycle();
    const gate = deferred();
    const events: string[] = [];
    lifecycle.add('producer', async () => {
      events.push('producer');
    });
    lifecycle.add('intake', async () => {
      events.push('intake:start');
      await gate.promise;
      events.push('intake:end');
    });
    const stopping = lifecycle.stop();
    await Promise.resolve();
    expect(events).toEqual(['intake:start']);
    gate.resolve();
    await stopping;
    expect(events).toEqual(['intake:start', 'intake:end', 'producer']);
  });

  it('returns the same promise to concurrent and later callers and stops each component once', async () => {
    const lifecycle = createLifecycle();
    const stop = vi.fn(() => Promise.resolve());
    lifecycle.add('server', stop);
    const first = lifecycle.stop('a');
    const second = lifecycle.stop('b');
    expect(second).toBe(first);
    expect(lifecycle.stopping).toBe(true);
    const result = await first;
    expect(lifecycle.stop('c')).toBe(first);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(result.reason).toBe('a');
  });

  it('keeps stopping the others when one stopper fails, and reports failure', async () => {
    const lifecycle = createLifecycle();
    const stopped: string[] = [];
    lifecycle.add('first', async () => {
      stopped.push('first');
    });
    lifecycle.add('broken', async () => {
      throw new Error('flush failed');
    });
    lifecycle.add('last', async () => {
      stopped.push('last');
    });
    const result = await lifecycle.stop();
    expect(stopped).toEqual(['last', 'first']);
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.failed.map((f) => f.name)).toEqual(['broken']);
    expect((result.failed[0]?.error as Error).message).toBe('flush failed');
  });

  it('gives up after the timeout and names the components still pending', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const lifecycle = createLifecycle({ timeoutMs: 1_000 });
    lifecycle.add('never-called', () => Promise.resolve());
    lifecycle.add('hangs', () => new Promise<void>(() => undefined));
    lifecycle.add('quick', () => Promise.resolve());
    const stopping = lifecycle.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    const result = await stopping;
    expect(result).toMatchObject({ ok: false, exitCode: 1, timedOut: true, stopped: ['quick'], pending: ['hangs', 'never-called'] });
  });

  it('refuses components added after stop has begun', async () => {
    const lifecycle = createLifecycle();
    await lifecycle.stop();
    expect(() => lifecycle.add('late', () => Promise.resolve())).toThrow(/cannot add "late" after stop has begun/);
  });

  it('notifies onStopped listeners, including ones registered after stop finished', async () => {
    const lifecycle = createLifecycle();
    const early = vi.fn();
    lifecycle.onStopped(early);
    const result = await lifecycle.stop();
    expect(early).toHaveBeenCalledWith(result);
    const late = await new Promise((resolve) => lifecycle.onStopped(resolve));
    expect(late).toBe(result);
  });

  it('rejects a non-positive timeout', () => {
    expect(() => createLifecycle({ timeoutMs: 0 })).toThrow(/timeoutMs must be a positive number/);
  });
});

describe('installSignalHandlers', () => {
  it('stops on SIGTERM and exits with 0 when every component stopped', async () => {
    const lifecycle = createLifecycle();
    const target = new FakeProcess();
    const stop = vi.fn(() => Promise.resolve());
    lifecycle.add('server', stop);
    lifecycle.installSignalHandlers({ target });
    target.emit('SIGTERM');
    expect(await target.exited).toBe(0);
    expect(stop).toHaveBeenCalledTimes(1);
    expect((await lifecycle.stop()).reason).toBe('SIGTERM');
  });

  it('exits with 1 when a component fails to stop', async () => {
    const lifecycle = createLifecycle();
    const target = new FakeProcess();
    lifecycle.add('broken', async () => {
      throw new Error('boom');
    });
    lifecycle.installSignalHandlers({ target });
    target.emit('SIGINT');
    expect(await target.exited).toBe(1);
  });

  it('forces exit with 1 on a second signal while stopping', async () => {
    const lifecycle = createLifecycle();
    const target = new FakeProcess();
    const gate = deferred();
    lifecycle.add('slow', () => gate.promise);
    lifecycle.installSignalHandlers({ target });
    target.emit('SIGTERM');
    target.emit('SIGINT');
    expect(target.exits).toEqual([1]);
    gate.resolve();
    await lifecycle.stop();
    await Promise.resolve();
    expect(target.exits).toEqual([1, 0]);
  });

  it('removes its listeners when uninstalled', () => {
    const lifecycle = createLifecycle();
    const target = new FakeProcess();
    const uninstall = lifecycle.installSignalHandlers({ target });
    expect(target.listenerCount('SIGTERM')).toBe(1);
    uninstall();
    expect(target.listenerCount('SIGTERM')).toBe(0);
    expect(target.listenerCount('SIGINT')).toBe(0);
  });
});
