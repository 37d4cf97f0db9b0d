import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * An OpenTelemetry `ContextManager` on Node's `AsyncLocalStorage`, so the active span survives
 * `await`, timers and callbacks without being passed by hand.
 *
 * Written here because `@opentelemetry/context-async-hooks` is not a dependency; it does the same
 * job for functions. `bind` wraps functions only: other targets (event emitters) are returned
 * unchanged, so bind their listeners individually instead.
 */
export class AsyncLocalStorageContextManager implements ContextManager {
  private storage = new AsyncLocalStorage<Context>();
  private enabled = false;

  active(): Context {
    return (this.enabled ? this.storage.getStore() : undefined) ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (!this.enabled) return fn.apply(thisArg, args);
    return this.storage.run(context, () => fn.apply(thisArg, args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper must keep its own `this` for the caller
    const manager = this;
    const bound = function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => fn.apply(this, args));
    };
    Object.defineProperty(bound, 'length', { value: fn.length });
    return bound as unknown as T;
  }

  enable(): this {
    this.enabled = true;
    return this;
  }

  disable(): this {
    this.enabled = false;
    this.storage.disable();
    this.storage = new AsyncLocalStorage<Context>();
    return this;
  }
}
