import { describe, it, expect } from 'vitest';
import { Rng } from '../rng.js';
import { bootstrapCounts, bootstrapIndices, outOfBagIndices } from './bootstrap.js';

describe('bootstrap', () => {
  it('draws indices in range and leaves about 1/e of rows out of bag', () => {
    const n = 10_000;
    const sample = bootstrapIndices(n, new Rng(3));
    expect(sample.length).toBe(n);
    expect(Math.min(...sample)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...sample)).toBeLessThan(n);
    const oob = outOfBagIndices(n, sample);
    // (1 - 1/n)^n → e^-1 ≈ 0.3679; sd ≈ sqrt(0.23/n) ≈ 0.005.
    expect(Math.abs(oob.length / n - Math.exp(-1))).toBeLessThan(0.02);
    const drawn = new Set(sample);
    for (const i of oob) expect(drawn.has(i)).toBe(false);
  });

  it('gives counts that sum to the sample size and match the same seed', () => {
    const counts = bootstrapCounts(50, new Rng(9));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50);
    expect(Array.from(bootstrapCounts(50, new Rng(9)))).toEqual(Array.from(counts));
  });
});
