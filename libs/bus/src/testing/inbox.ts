interface Waiter<T> {
  readonly done: (items: readonly T[]) => boolean;
  readonly resolve: (items: readonly T[]) => void;
}

/**
 * Collects what handlers receive and lets a test wait for a condition on it, woken by each
 * arrival rather than by polling or sleeping; a timeout turns a hang into a clear failure.
 */
export class Inbox<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();

  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.waiters]) {
      if (waiter.done(this.items)) {
        this.waiters.delete(waiter);
        waiter.resolve(this.items);
      }
    }
  }

  /** Resolves with the items once `done(items)` holds; rejects after `timeoutMs` naming `what`. */
  waitUntil(done: (items: readonly T[]) => boolean, what: string, timeoutMs = 20_000): Promise<readonly T[]> {
    if (done(this.items)) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        done,
        resolve: (items) => {
          clearTimeout(timer);
          resolve(items);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.items.length} item(s)`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Resolves once at least `count` items arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<readonly T[]> {
    return this.waitUntil((items) => items.length >= count, `${count} item(s)`, timeoutMs);
  }
}

/** A promise with its resolve function, for handlers that must wait on the test. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
