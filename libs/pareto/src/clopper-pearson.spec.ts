import { describe, expect, it } from 'vitest';
import { binomialCdf } from '@ratchet/stats';
import { clopperPearsonLower, clopperPearsonUpper } from './clopper-pearson.js';

// Reference: scipy.stats.beta.ppf(c, k + 1, n - k) (upper) and
// scipy.stats.beta.ppf(1 - c, k, n - k + 1) (lower), scipy 1.x.
describe('clopperPearsonUpper', () => {
  it.each([
    [0, 100, 0.95, 0.029513049607039925],
    [2, 1000, 0.95, 0.006282284546723426],
    [0, 1_000_000, 0.99, 4.605159582208148e-6],
    [10, 100, 0.999, 0.22467011983222507],
  ])('with k=%i of n=%i at %f matches scipy', (k, n, c, expected) => {
    expect(clopperPearsonUpper(k, n, c)).toBeCloseTo(expected, 12);
    expect(Math.abs(clopperPearsonUpper(k, n, c) / expected - 1)).toBeLessThan(1e-9);
  });

  it('is 1 when every trial is a regression', () => {
    expect(clopperPearsonUpper(50, 50, 0.9)).toBe(1);
  });

  it('reduces to 1 − δ^{1/n} for zero regressions', () => {
    expect(clopperPearsonUpper(0, 300, 0.95)).toBeCloseTo(1 - 0.05 ** (1 / 300), 14);
  });

  it('puts exactly δ of binomial mass at or below k at the bound', () => {
    for (const [k, n] of [
      [1, 20],
      [7, 500],
      [30, 60],
    ] as const) {
      const u = clopperPearsonUpper(k, n, 0.9);
      expect(binomialCdf(k, n, u)).toBeCloseTo(0.1, 9);
    }
  });
});

describe('clopperPearsonLower', () => {
  it('matches scipy and is 0 for k = 0', () => {
    expect(clopperPearsonLower(3, 100, 0.95)).toBeCloseTo(0.00822582910765269, 12);
    expect(clopperPearsonLower(100, 100, 0.95)).toBeCloseTo(0.9704869503929601, 12);
    expect(clopperPearsonLower(0, 100, 0.95)).toBe(0);
  });

  it('rejects counts outside [0, n]', () => {
    expect(() => clopperPearsonUpper(5, 4, 0.95)).toThrow(RangeError);
    expect(() => clopperPearsonUpper(1, 4, 1)).toThrow(RangeError);
  });
});
