import type { DriftSignal, StreamDetector } from './stream-detector.js';

export interface AdwinOptions {
  /** Confidence δ of the cut test (0.002). */
  readonly delta?: number;
  /** Buckets kept per size class before two merge (M = 5, as MOA/River). */
  readonly maxBuckets?: number;
  /** Check for cuts every `clock` observations (32, as MOA/River). */
  readonly clock?: number;
  /** No check while the window is shorter than this (10). */
  readonly gracePeriod?: number;
  /** Each side of a cut holds at least this many observations (5). */
  readonly minSubWindow?: number;
}

/** One exponential-histogram bucket: n observations (a power of two), their sum and M2. */
interface Bucket {
  n: number;
  sum: number;
  m2: number;
}

/**
 * ADWIN (ADaptive WINdowing), Bifet & Gavaldà (2007), "Learning from Time-Changing Data with
 * Adaptive Windowing", SDM. Keeps a window W of recent values in an exponential histogram
 * (at most M buckets of each size 2^i, so O(M log |W|) memory) and drops the oldest buckets
 * while some split W = W0·W1 has |μ̂0 − μ̂1| > ε_cut with
 *   ε_cut = sqrt(2/m · σ²_W · ln(2/δ')) + 2/(3m) · ln(2/δ'),  1/m = 1/n0 + 1/n1,  δ' = δ / ln|W|
 * (the paper's normal-approximation bound, with δ' = δ/ln n as in its experiments). Works on
 * error indicators and on real values in [0, 1] or beyond (σ²_W is the window's variance).
 * Returns 'drift' when the window shrank; no warning zone. Defaults δ = 0.002, M = 5, clock 32.
 */
export class Adwin implements StreamDetector {
  readonly name = 'ADWIN';
  private readonly delta: number;
  private readonly maxBuckets: number;
  private readonly clock: number;
  private readonly gracePeriod: number;
  private readonly minSubWindow: number;
  /** rows[i] holds buckets of 2^i observations, oldest first. */
  private rows: Bucket[][] = [];
  private width = 0;
  private total = 0;
  private m2 = 0;
  private ticks = 0;

  constructor({ delta = 0.002, maxBuckets = 5, clock = 32, gracePeriod = 10, minSubWindow = 5 }: AdwinOptions = {}) {
    if (!(delta > 0 && delta < 1)) throw new RangeError(`ADWIN delta must be in (0, 1), got ${delta}`);
    if (!(maxBuckets >= 2)) throw new RangeError('ADWIN maxBuckets must be >= 2');
    this.delta = delta;
    this.maxBuckets = maxBuckets;
    this.clock = clock;
    this.gracePeriod = gracePeriod;
    this.minSubWindow = minSubWindow;
  }

  /** Current window length |W|. */
  get windowLength(): number {
    return this.width;
  }

  /** Mean of the current window. */
  get estimate(): number {
    return this.width > 0 ? this.total / this.width : Number.NaN;
  }

  update(x: number): DriftSignal {
    if (!Number.isFinite(x)) throw new RangeError(`ADWIN needs finite values, got ${x}`);
    this.insert(x);
    this.ticks++;
    if (this.ticks % this.clock !== 0 || this.width < this.gracePeriod) return 'none';
    let shrunk = false;
    while (this.cutOnce()) shrunk = true;
    return shrunk ? 'drift' : 'none';
  }

  reset(): void {
    this.rows = [];
    this.width = 0;
    this.total = 0;
    this.m2 = 0;
    this.ticks = 0;
  }

  private insert(x: number): void {
    if (this.width > 0) {
      const d = x - this.total / this.width;
      this.m2 += (d * d * this.width) / (this.width + 1);
    }
    this.width++;
    this.total += x;
    if (this.rows.length === 0) this.rows.push([]);
    (this.rows[0] as Bucket[]).push({ n: 1, sum: x, m2: 0 });
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i] as Bucket[];
      if (row.length <= this.maxBuckets) break;
      const a = row.shift() as Bucket;
      const b = row.shift() as Bucket;
      const d = a.sum / a.n - b.sum / b.n;
      const merged: Bucket = { n: a.n + b.n, sum: a.sum + b.sum, m2: a.m2 + b.m2 + (d * d * a.n * b.n) / (a.n + b.n) };
      if (i + 1 === this.rows.length) this.rows.push([]);
      (this.rows[i + 1] as Bucket[]).push(merged);
    }
  }

  /** Tests every split from the oldest bucket on; drops the oldest bucket on the first cut. */
  private cutOnce(): boolean {
    const variance = this.m2 / this.width;
    const logTerm = Math.log((2 * Math.log(this.width)) / this.delta);
    let n0 = 0;
    let s0 = 0;
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const row = this.rows[i] as Bucket[];
      for (let j = 0; j < row.length; j++) {
        const b = row[j] as Bucket;
        n0 += b.n;
        s0 += b.sum;
        const n1 = this.width - n0;
        if (n1 < this.minSubWindow) return false;
        if (n0 < this.minSubWindow) continue;
        const invM = 1 / n0 + 1 / n1;
        const eps = Math.sqrt(2 * invM * variance * logTerm) + (2 / 3) * invM * logTerm;
        if (Math.abs(s0 / n0 - (this.total - s0) / n1) > eps) {
          this.dropOldest();
          return true;
        }
      }
    }
    return false;
  }

  private dropOldest(): void {
    let top = this.rows.length - 1;
    while (top >= 0 && (this.rows[top] as Bucket[]).length === 0) top--;
    const row = this.rows[top] as Bucket[];
    const b = row.shift() as Bucket;
    const restN = this.width - b.n;
    if (restN > 0) {
      const d = b.sum / b.n - (this.total - b.sum) / restN;
      this.m2 = Math.max(0, this.m2 - b.m2 - (d * d * b.n * restN) / this.width);
    } else {
      this.m2 = 0;
    }
    this.width = restN;
    this.total -= b.sum;
    while (this.rows.length > 0 && (this.rows[this.rows.length - 1] as Bucket[]).length === 0) this.rows.pop();
  }
}
