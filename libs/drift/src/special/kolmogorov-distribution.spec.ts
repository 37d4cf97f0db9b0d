import { describe, expect, it } from 'vitest';
import { durbinMatrixCdf, kolmogorovSmirnovSurvival, pelzGoodCdf, smirnovSurvival } from './kolmogorov-distribution.js';

// [n, d, P(D_n >= d)] from scipy.stats.kstwo.sf(d, n), scipy 1.17.1. Cases cover every branch
// of the Simard–L'Ecuyer selection (Ruben–Gambino, Durbin, 2·Smirnov, Pelz–Good, n > 1e5).
const KSTWO_SF: ReadonlyArray<readonly [number, number, number]> = [
  [5, 0.15, 0.9988],
  [5, 0.3, 0.664],
  [10, 0.05, 1.0],
  [10, 0.2, 0.7487190399999999],
  [10, 0.35, 0.1339605462624991],
  [10, 0.6, 0.0005681672000000003],
  [10, 0.95, 1.9531250000000172e-13],
  [50, 0.1, 0.6623112704658186],
  [50, 0.2, 0.03143877776953241],
  [50, 0.3, 0.00017353260202718738],
  [140, 0.05, 0.8576480297656114],
  [140, 0.12, 0.03252638258561632],
  [140, 0.2, 2.1981563302200222e-05],
  [141, 0.05, 0.854845693009663],
  [141, 0.1, 0.11128445516467944],
  [141, 0.13, 0.015449346308454497],
  [500, 0.02, 0.9859871786857471],
  [500, 0.05, 0.15866260223815387],
  [500, 0.07, 0.01416832020019071],
  [1000, 0.01, 0.9999496745370611],
  [1000, 0.03, 0.3226902143914636],
  [1000, 0.05, 0.013012074781090332],
  [5000, 0.005, 0.9995858441477996],
  [5000, 0.012, 0.4639912166690192],
  [5000, 0.02, 0.03613941395325637],
  [5000, 0.03, 0.00024159234422666817],
  [20000, 0.004, 0.9048968240702959],
  [20000, 0.009, 0.07785289326070222],
  [100000, 0.002, 0.8178408363081542],
  [100000, 0.004, 0.08130148920222469],
  [150000, 0.002, 0.5852546878861703],
  [150000, 0.003, 0.1341018124495077],
  [2000000, 0.0007, 0.2807995813336387],
  [2000000, 0.001, 0.03660662431970485],
];

// [n, d, P(D_n+ >= d)] from scipy.special.smirnov(n, d), scipy 1.17.1.
const SMIRNOV_SF: ReadonlyArray<readonly [number, number, number]> = [
  [10, 0.3, 0.1354635556],
  [200, 0.1, 0.017055111658647187],
  [5000, 0.03, 0.00012079617211333408],
  [1000000, 0.0015, 0.011097879215320433],
  [2000000, 0.001, 0.018303432023617325],
];

describe('kolmogorovSmirnovSurvival', () => {
  it.each(KSTWO_SF)('matches scipy kstwo.sf for n=%d, d=%d to 1e-9', (n, d, expected) => {
    expect(Math.abs(kolmogorovSmirnovSurvival(d, n) - expected)).toBeLessThan(1e-9);
  });

  it('returns 1 at d = 0 and 0 at d = 1', () => {
    expect(kolmogorovSmirnovSurvival(0, 20)).toBe(1);
    expect(kolmogorovSmirnovSurvival(1, 20)).toBe(0);
  });

  it('is non-increasing in d', () => {
    let previous = 1;
    for (let d = 0.001; d < 0.5; d += 0.003) {
      const p = kolmogorovSmirnovSurvival(d, 300);
      expect(p).toBeLessThanOrEqual(previous + 1e-12);
      previous = p;
    }
  });

  it('rejects a non-integer sample size', () => {
    expect(() => kolmogorovSmirnovSurvival(0.1, 2.5)).toThrow(RangeError);
  });
});

describe('smirnovSurvival', () => {
  it.each(SMIRNOV_SF)('matches scipy.special.smirnov for n=%d, d=%d', (n, d, expected) => {
    expect(Math.abs(smirnovSurvival(n, d) - expected)).toBeLessThan(1e-9);
  });
});

describe('Durbin matrix and Pelz–Good', () => {
  it('agree with each other where both are accurate (n = 1000)', () => {
    for (const d of [0.02, 0.03, 0.04]) {
      expect(Math.abs(durbinMatrixCdf(1000, d) - pelzGoodCdf(1000, d))).toBeLessThan(1e-6);
    }
  });
});
