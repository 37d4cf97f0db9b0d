/**
 * Labelled rows (label, predicted class, positive-class probability or NaN) in typed arrays.
 * `ring` keeps the last `capacity` rows (a count-based window); `reservoir` keeps a uniform
 * sample of everything added since the last clear (Vitter's algorithm R), so a busy time
 * window costs bounded memory and its metrics are estimates over that sample.
 */
export class LabeledBuffer {
  readonly y: Float64Array;
  readonly predicted: Float64Array;
  readonly probability: Float64Array;
  private next = 0;
  private stored = 0;
  /** Rows added since the last clear (≥ the rows stored). */
  seen = 0;
  private rng: number;

  constructor(
    readonly capacity: number,
    readonly mode: 'ring' | 'reservoir',
    seed = 1,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    this.y = new Float64Array(capacity);
    this.predicted = new Float64Array(capacity);
    this.probability = new Float64Array(capacity);
    this.rng = seed >>> 0 || 1;
  }

  get size(): number {
    return this.stored;
  }

  add(y: number, predicted: number, probability: number): void {
    this.seen++;
    let slot: number;
    if (this.stored < this.capacity) {
      slot = this.mode === 'ring' ? this.next : this.stored;
      this.stored++;
    } else if (this.mode === 'ring') {
      slot = this.next;
    } else {
      slot = Math.floor(this.random() * this.seen);
      if (slot >= this.capacity) return;
    }
    if (this.mode === 'ring') this.next = (this.next + 1) % this.capacity;
    this.y[slot] = y;
    this.predicted[slot] = predicted;
    this.probability[slot] = probability;
  }

  clear(): void {
    this.next = 0;
    this.stored = 0;
    this.seen = 0;
  }

  // xorshift32: deterministic and allocation-free.
  private random(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / 4294967296;
  }
}
