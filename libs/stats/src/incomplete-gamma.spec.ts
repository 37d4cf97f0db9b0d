import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.js';
import { logGamma } from './log-gamma.js';

// [x, k, P(X > x)] from scipy.stats.chi2.sf(x, k), scipy 1.17.1.
const CHI2_SF: ReadonlyArray<readonly [number, number, number]> = [
  [0.5, 1, 0.47950012218695337],
  [3.84, 1, 0.05004352124870519],
  [10.0, 1, 0.001565402258002549],
  [1.0, 2, 0.6065306597126334],
  [5.99, 2, 0.05003662708658629],
  [7.81, 3, 0.05010605635000589],
  [0.1, 3, 0.9918374237318764],
  [20.0, 10, 0.029252688076961124],
  [15.5, 10, 0.11486811277078343],
  [3.0, 10, 0.9814240637778593],
  [50.0, 30, 0.01240206071890054],
  [100.0, 30, 1.8568023365102314e-09],
  [200.0, 150, 0.003973185970821635],
  [130.0, 150, 0.8792962447580244],
  [0.001, 4, 0.9999998750416589],
  [400.0, 2, 1.383896526736753e-87],
  [1000.0, 900, 0.010994608942135844],
  [1200.0, 1000, 1.2255942330622893e-05],
];

describe('chiSquareSurvival', () => {
  it.each(CHI2_SF)('matches scipy chi2.sf(%d, %d) to 1e-12 relative', (x, k, expected) => {
    const actual = chiSquareSurvival(x, k);
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(expected, 1e-300) + 1e-15);
  });

  it('is 1 at x = 0 and rejects zero degrees of freedom', () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(() => chiSquareSurvival(1, 0)).toThrow(RangeError);
  });
});

describe('regularised incomplete gamma', () => {
  it('P and Q sum to one on both sides of the series / continued-fraction switch', () => {
    for (const [a, x] of [[2.5, 1], [2.5, 4], [40, 35], [40, 45]] as const) {
      expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 14);
    }
  });

  it('reduces to 1 − e^{−x} for a = 1', () => {
    expect(regularizedGammaP(1, 0.7)).toBeCloseTo(1 - Math.exp(-0.7), 14);
  });
});

describe('logGamma', () => {
  it('gives ln((n−1)!) at integers and ln(√π) at one half', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });
});
