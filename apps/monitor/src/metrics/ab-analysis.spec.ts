import { describe, expect, it } from 'vitest';
import { compareProportions, minimumSampleSize } from './ab-analysis.js';
import { normalCdf, normalQuantile } from './normal-distribution.js';

describe('the normal distribution', () => {
  it('matches tabulated values of Φ and Φ⁻¹ (scipy.stats.norm.cdf / .ppf)', () => {
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 7);
    expect(normalCdf(-2)).toBeCloseTo(0.022750131948179195, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 8);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 8);
  });

  it('refuses probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('the two-proportion comparison', () => {
  // statsmodels.stats.proportion.proportions_ztest([90, 80], [100, 100]) → z 1.98030, p 0.04767.
  it('gives the pooled z-test of statsmodels and the Wald interval of the difference', () => {
    const c = compareProportions({ successes: 80, trials: 100 }, { successes: 90, trials: 100 });
    expect(c.difference).toBeCloseTo(0.1, 12);
    expect(c.z).toBeCloseTo(1.9802950859533488, 9);
    expect(c.pValue).toBeCloseTo(0.04767038065616144, 6);
    expect(c.ciLow).toBeCloseTo(0.002001800772997317, 8);
    expect(c.ciHigh).toBeCloseTo(0.19799819922700268, 8);
  });

  it('says nothing is different when both arms are perfect', () => {
    const c = compareProportions({ successes: 50, trials: 50 }, { successes: 20, trials: 20 });
    expect(c.z).toBe(0);
    expect(c.pValue).toBe(1);
  });

  it('needs trials on both arms', () => {
    expect(() => compareProportions({ successes: 0, trials: 0 }, { successes: 1, trials: 2 })).toThrow(/trials/);
  });
});

describe('the minimum sample size', () => {
  // 60% vs 50%, two-sided α = 0.05, power 0.8: 387.3 → 388 rows per arm (Fleiss eq. 4.14, no continuity correction).
  it('gives the textbook 388 rows per arm for a 10-point drop from 60%', () => {
    expect(minimumSampleSize(0.6, 0.1)).toBe(388);
  });

  it('grows as the effect to detect shrinks', () => {
    expect(minimumSampleSize(0.8, 0.01)).toBeGreaterThan(minimumSampleSize(0.8, 0.02) * 3);
  });
});
