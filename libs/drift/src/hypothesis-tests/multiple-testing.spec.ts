import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from './benjamini-hochberg.js';
import { bonferroni } from './bonferroni.js';

const P = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.049, 0.0001, 0.8, 0.04];

describe('benjaminiHochberg', () => {
  it('matches statsmodels multipletests(fdr_bh), statsmodels 0.15.0', () => {
    const expected = [
      0.03333333333333333, 0.06666666666666667, 0.06666666666666667, 0.024999999999999998, 0.25,
      0.5555555555555556, 0.07, 0.001, 0.8, 0.06666666666666667,
    ];
    const actual = benjaminiHochberg(P);
    expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 14));
  });

  it('keeps adjusted values monotone in the raw p-values and never below them', () => {
    const actual = benjaminiHochberg(P);
    const order = P.map((_, i) => i).sort((a, b) => (P[a] as number) - (P[b] as number));
    for (let r = 1; r < order.length; r++) {
      expect(actual[order[r] as number]).toBeGreaterThanOrEqual(actual[order[r - 1] as number] as number);
    }
    P.forEach((p, i) => expect(actual[i]).toBeGreaterThanOrEqual(p));
  });

  it('skips NaN entries without counting them', () => {
    const actual = benjaminiHochberg([0.01, Number.NaN, 0.02]);
    expect(Number.isNaN(actual[1])).toBe(true);
    expect(actual[0]).toBeCloseTo(0.02, 15);
    expect(actual[2]).toBeCloseTo(0.02, 15);
  });
});

describe('bonferroni', () => {
  it('matches statsmodels multipletests(bonferroni) and caps at one', () => {
    const expected = [0.1, 0.4, 0.3, 0.05, 1.0, 1.0, 0.49, 0.001, 1.0, 0.4];
    const actual = bonferroni(P);
    expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 14));
  });
});
