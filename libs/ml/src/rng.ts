/**
 * Seeded pseudo-random numbers for reproducible training, splits and tests.
 *
 * Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 2021), 128-bit state, period 2^128 - 1. The state is filled from the
 * seed with splitmix32 so that nearby seeds (0, 1, 2, …) give unrelated streams.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** splitmix32 step: a bijective 32-bit hash of `x + golden ratio`, used to spread seeds. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Anything indexable and writable by position: plain arrays and typed arrays. */
export interface MutableIndexable<T> {
  length: number;
  [index: number]: T;
}

/**
 * Derives a child seed from a parent seed and a stream label, without touching any generator
 * state: `deriveSeed(s, 'fold-3')` is the same on every run and differs from `deriveSeed(s, 'fold-4')`.
 * Labels are hashed with FNV-1a, then mixed with the parent through splitmix32.
 */
export function deriveSeed(seed: number, stream: string | number): number {
  let h = 0x811c9dc5;
  const label = String(stream);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32(splitmix32(seed >>> 0) ^ (h >>> 0));
}

/** A seeded xoshiro128** generator. Not cryptographically secure. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = Number.NaN;

  /** @param seed any integer; only its low 32 bits are used. */
  constructor(readonly seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    let x = seed >>> 0;
    x = splitmix32(x);
    this.s0 = x;
    x = splitmix32(x);
    this.s1 = x;
    x = splitmix32(x);
    this.s2 = x;
    x = splitmix32(x);
    this.s3 = x;
    // xoshiro must not start from the all-zero state.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit unsigned integer (xoshiro128** output function). */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits (two 32-bit draws). */
  next(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform integer in [0, n), unbiased (rejection of the incomplete top block). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new RangeError(`Rng.int(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return u % n;
  }

  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /**
   * Standard normal N(0, 1) by the Marsaglia polar method (a rejection form of Box–Muller);
   * each accepted pair yields two deviates, the second is cached for the next call.
   */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = Number.NaN;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  /** Bernoulli draw: true with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T, A extends MutableIndexable<T>>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle<number, Int32Array>(out);
  }

  /** One element chosen uniformly from a non-empty list. */
  choice<T>(items: ArrayLike<T>): T {
    if (items.length === 0) throw new RangeError('Rng.choice needs a non-empty list');
    return items[this.int(items.length)] as T;
  }

  /**
   * A child generator whose seed is drawn from this one: consumes one draw of the parent,
   * so successive forks are independent streams.
   */
  fork(): Rng {
    return new Rng(this.uint32());
  }

  /**
   * A child generator for a named stream, derived from this generator's *seed* (not its
   * state): the result does not depend on how many numbers were drawn before.
   */
  derive(stream: string | number): Rng {
    return new Rng(deriveSeed(this.seed, stream));
  }
}
