import { describe, expect, it } from 'vitest';
import { gcd, ksTwoSampleExactSurvival } from './ks-two-sample-exact.js';

/** P(D ≥ h/lcm) by enumerating every arrangement of m x's and n y's (all equally likely). */
function bruteForce(m: number, n: number, h: number): number {
  const g = gcd(m, n);
  const mg = m / g;
  const ng = n / g;
  let hits = 0;
  let total = 0;
  const walk = (x: number, y: number, reached: boolean): void => {
    const now = reached || Math.abs(x * ng - y * mg) >= h;
    if (x === m && y === n) {
      total++;
      if (now) hits++;
      return;
    }
    if (x < m) walk(x + 1, y, now);
    if (y < n) walk(x, y + 1, now);
  };
  walk(0, 0, false);
  return hits / total;
}

describe('ksTwoSampleExactSurvival', () => {
  it('gives 2 / C(6, 3) = 0.1 for D = 1 with three values per sample', () => {
    expect(ksTwoSampleExactSurvival(3, 3, 3)).toBeCloseTo(0.1, 15);
  });

  it.each([
    [4, 4],
    [5, 7],
    [6, 4],
    [3, 9],
    [8, 6],
  ])('agrees with brute-force path enumeration for m=%d, n=%d at every h', (m, n) => {
    const lcm = (m * n) / gcd(m, n);
    for (let h = 1; h <= lcm; h++) {
      expect(ksTwoSampleExactSurvival(m, n, h)).toBeCloseTo(bruteForce(m, n, h), 12);
    }
  });

  it('is 1 for h = 0', () => {
    expect(ksTwoSampleExactSurvival(10, 12, 0)).toBe(1);
  });
});
