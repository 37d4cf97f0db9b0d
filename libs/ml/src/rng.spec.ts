import { describe, it, expect } from 'vitest';
import { Rng, deriveSeed } from './rng.js';

describe('Rng', () => {
  it('reproduces the same stream for the same seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    for (let i = 0; i < 100; i++) expect(a.uint32()).toBe(b.uint32());
  });

  it('gives different streams for adjacent seeds', () => {
    const a = new Rng(1);
    const b = new Rng(2);
    const same = Array.from({ length: 20 }, () => a.uint32() === b.uint32()).filter(Boolean).length;
    expect(same).toBe(0);
  });

  it('draws next() in [0, 1) with mean close to 1/2', () => {
    const rng = new Rng(7);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // sd of the mean is sqrt(1/12/n) ≈ 0.0009; allow 5 sd.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.0046);
  });

  it('draws int(n) uniformly over 0..n-1', () => {
    const rng = new Rng(3);
    const counts = new Int32Array(6);
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const k = rng.int(6);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    // chi-squared with 5 df; 20.5 is the 0.999 quantile.
    let chi2 = 0;
    for (const c of counts) chi2 += (c - n / 6) ** 2 / (n / 6);
    expect(chi2).toBeLessThan(20.5);
  });

  it('rejects a non-positive int(n) bound', () => {
    expect(() => new Rng(1).int(0)).toThrow(RangeError);
  });

  it('draws normal() with mean 0 and variance 1', () => {
    const rng = new Rng(11);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.016);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  });

  it('shuffles into a permutation of the input', () => {
    const rng = new Rng(5);
    const p = rng.permutation(50);
    const sorted = Array.from(p).sort((x, y) => x - y);
    expect(sorted).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(sorted);
  });

  it('chooses only elements of the list', () => {
    const rng = new Rng(9);
    const items = ['a', 'b', 'c'];
    for (let i = 0; i < 30; i++) expect(items).toContain(rng.choice(items));
    expect(() => rng.choice([])).toThrow(RangeError);
  });

  it('derives named streams that ignore the parent state', () => {
    const a = new Rng(100);
    const b = new Rng(100);
    b.uint32();
    expect(a.derive('fold-1').uint32()).toBe(b.derive('fold-1').uint32());
    expect(deriveSeed(100, 'fold-1')).not.toBe(deriveSeed(100, 'fold-2'));
  });

  it('forks children that differ from each other', () => {
    const rng = new Rng(8);
    expect(rng.fork().uint32()).not.toBe(rng.fork().uint32());
  });
});
