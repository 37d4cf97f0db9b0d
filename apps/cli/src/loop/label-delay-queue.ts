import { Rng } from '@ratchet/ml';

/** Options of {@link LabelDelayQueue}. */
export interface LabelDelayQueueOptions {
  /** Rows streamed after an item's own row before it is due. 0 = due at once. */
  readonly delayRows: number;
  /** Extra delay per item, uniform in [0, jitterRows]: spreads items so they overtake each other. Default delayRows / 2. */
  readonly jitterRows?: number;
  /** Seed of the jitter and of the release order. */
  readonly seed: number;
}

/**
 * Holds ground-truth labels back, as the world delivers them: an item added at row r becomes
 * due at row r + delay + U{0..jitter}, and each release hands over the due items in a shuffled
 * order — so labels arrive late AND out of order. Counting in rows (not milliseconds) keeps a
 * run reproducible for a seed, whatever the machine's speed.
 */
export class LabelDelayQueue<T> {
  private readonly buckets = new Map<number, T[]>();
  private readonly rng: Rng;
  private readonly delay: number;
  private readonly jitter: number;
  /** Every due row up to here has been released. */
  private released = -1;
  private pending = 0;

  constructor(options: LabelDelayQueueOptions) {
    const { delayRows, jitterRows = Math.floor(delayRows / 2), seed } = options;
    if (!(Number.isInteger(delayRows) && delayRows >= 0)) throw new RangeError(`label delay must be a non-negative integer of rows, got ${delayRows}`);
    if (!(Number.isInteger(jitterRows) && jitterRows >= 0)) throw new RangeError(`label jitter must be a non-negative integer of rows, got ${jitterRows}`);
    this.delay = delayRows;
    this.jitter = jitterRows;
    this.rng = new Rng(seed);
  }

  /** Items held. */
  get size(): number {
    return this.pending;
  }

  /** Holds `item`, produced at stream row `row`. */
  add(item: T, row: number): void {
    const due = Math.max(row + this.delay + (this.jitter > 0 ? this.rng.int(this.jitter + 1) : 0), this.released + 1);
    const bucket = this.buckets.get(due);
    if (bucket) bucket.push(item);
    else this.buckets.set(due, [item]);
    this.pending++;
  }

  /** The items due once `row` rows have streamed, in shuffled order. */
  release(row: number): T[] {
    const out: T[] = [];
    if (row <= this.released) return out;
    if (this.pending > 0) {
      if (row - this.released > this.buckets.size) {
        // Few buckets, long stretch: visit the buckets rather than every row.
        for (const [due, items] of this.buckets) {
          if (due > row) continue;
          out.push(...items);
          this.buckets.delete(due);
        }
      } else {
        for (let due = this.released + 1; due <= row; due++) {
          const items = this.buckets.get(due);
          if (!items) continue;
          out.push(...items);
          this.buckets.delete(due);
        }
      }
    }
    this.released = row;
    this.pending -= out.length;
    return this.rng.shuffle(out);
  }

  /** Everything still held (the end of the stream), shuffled. */
  drain(): T[] {
    const out: T[] = [];
    for (const items of this.buckets.values()) out.push(...items);
    this.buckets.clear();
    this.pending = 0;
    return this.rng.shuffle(out);
  }
}
