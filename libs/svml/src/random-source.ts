/**
 * Small seeded pseudo-random source (32-bit state, mulberry32 mixing) for synthetic
 * benchmarks and tests.
 * Not for cryptography; statistically adequate for synthetic test problems.
 * Kept local so this pure lib does not wait on `@ratchet/ml`; swap when it exposes one.
 */
export interface SeededRng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** Creates a deterministic generator from an integer seed. */
export function seededRng(seed: number): SeededRng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    let u = next();
    while (u <= 0) u = next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return { next, normal, int: (n: number) => Math.floor(next() * n) };
}
