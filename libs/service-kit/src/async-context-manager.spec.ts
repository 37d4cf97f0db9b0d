import { describe, it, expect } from 'vitest';
import { ROOT_CONTEXT, createContextKey } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from './async-context-manager.js';

const key = createContextKey('test-key');

describe('AsyncLocalStorageContextManager', () => {
  it('keeps the active context across awaits and timers inside with()', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const ctx = ROOT_CONTEXT.setValue(key, 'request-1');
    const seen = await manager.with(ctx, async () => {
      await Promise.resolve();
      const afterAwait = manager.active().getValue(key);
      const afterTimer = await new Promise((resolve) => setImmediate(() => resolve(manager.active().getValue(key))));
      return [afterAwait, afterTimer];
    });
    expect(seen).toEqual(['request-1', 'request-1']);
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('isolates concurrent contexts from each other', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const run = (id: string) =>
      manager.with(ROOT_CONTEXT.setValue(key, id), async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return manager.active().getValue(key);
      });
    expect(await Promise.all([run('a'), run('b')])).toEqual(['a', 'b']);
  });

  it('binds a function to the context it was bound with', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const bound = manager.bind(ROOT_CONTEXT.setValue(key, 'bound'), (suffix: string) => `${String(manager.active().getValue(key))}${suffix}`);
    expect(bound('!')).toBe('bound!');
  });

  it('passes thisArg and arguments through with()', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const receiver = { base: 10 };
    const result = manager.with(ROOT_CONTEXT, function (this: { base: number }, n: number) { return this.base + n; }, receiver, 5);
    expect(result).toBe(15);
  });

  it('returns the root context once disabled', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const inside = manager.with(ROOT_CONTEXT.setValue(key, 'x'), () => {
      manager.disable();
      return manager.active();
    });
    expect(inside).toBe(ROOT_CONTEXT);
  });
});
