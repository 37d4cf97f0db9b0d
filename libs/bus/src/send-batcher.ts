export interface SendBatcherOptions {
  /** How long the first record of a batch waits for company. Default 5 ms. */
  readonly lingerMs?: number;
  /** Send as soon as this many records are waiting. Default 500. */
  readonly maxRecords?: number;
  /** Send as soon as this many bytes are waiting. Default 900 000 (under Kafka's 1 MB default). */
  readonly maxBytes?: number;
}

interface Pending<I, R> {
  readonly item: I;
  readonly size: number;
  readonly resolve: (result: R) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Collects items added within `lingerMs` (or until `maxRecords` / `maxBytes`) and sends them
 * with one call, one send in flight at a time so records keep their order. Each `add` resolves
 * with its items' results once the send that carried them succeeded.
 */
export class SendBatcher<I, R> {
  private readonly lingerMs: number;
  private readonly maxRecords: number;
  private readonly maxBytes: number;
  private pending: Pending<I, R>[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly send: (items: I[]) => Promise<R[]>,
    private readonly sizeOf: (item: I) => number,
    options: SendBatcherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 5;
    this.maxRecords = options.maxRecords ?? 500;
    this.maxBytes = options.maxBytes ?? 900_000;
    if (!(this.lingerMs >= 0) || !(this.maxRecords >= 1) || !(this.maxBytes >= 1)) {
      throw new RangeError(`invalid batching options ${JSON.stringify(options)}`);
    }
  }

  add(items: readonly I[]): Promise<R[]> {
    const results = items.map(
      (item) =>
        new Promise<R>((resolve, reject) => {
          const size = this.sizeOf(item);
          this.pending.push({ item, size, resolve, reject });
          this.pendingBytes += size;
        }),
    );
    if (this.pending.length >= this.maxRecords || this.pendingBytes >= this.maxBytes) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.lingerMs);
    return Promise.all(results);
  }

  /** Sends what is waiting now and resolves once nothing is waiting or in flight (failures included). */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.inFlight !== undefined) {
      this.kick();
      await this.inFlight;
    }
  }

  /** Records added but not yet acknowledged or failed. */
  get size(): number {
    return this.pending.length;
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight !== undefined || this.pending.length === 0) return;
    this.inFlight = this.sendNext().finally(() => {
      this.inFlight = undefined;
      // Whatever arrived meanwhile has already waited at least one send: no extra linger.
      if (this.pending.length > 0) this.kick();
    });
  }

  private async sendNext(): Promise<void> {
    let bytes = 0;
    let count = 0;
    for (const { size } of this.pending) {
      if (count >= this.maxRecords) break;
      if (count > 0 && bytes + size > this.maxBytes) break;
      bytes += size;
      count++;
    }
    const batch = this.pending.splice(0, count);
    this.pendingBytes -= bytes;
    try {
      const results = await this.send(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
