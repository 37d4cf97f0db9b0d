import { describe, expect, it } from 'vitest';
import { ksStatisticSorted, ksTwoSample } from '../hypothesis-tests/ks-test.js';
import { binSorted, summarizeSorted } from '../profile/numeric-summary.js';
import { SeededRandom } from '../testing/seeded-random.js';
import { ksAgainstProfile } from './ks-against-profile.js';
import { numericDrift } from './numeric-drift.js';

describe('numericDrift', () => {
  const rng = new SeededRandom(21);
  const reference = Float64Array.from(rng.normals(50_000)).sort();
  const profile = summarizeSorted(reference, 0);

  it('bounds the binned KS distance by the raw two-sample distance and one bin mass', () => {
    for (const shift of [0, 0.05, 0.3]) {
      const window = Float64Array.from(rng.normals(3000, shift)).sort();
      const binned = numericDrift(profile, window).ks;
      const raw = ksStatisticSorted(window, reference);
      const windowCounts = binSorted(window, profile.edges);
      const maxMass = Math.max(
        Math.max(...profile.counts) / profile.count,
        Math.max(...windowCounts) / window.length,
      );
      expect(binned).toBeLessThanOrEqual(raw + 1e-12);
      expect(raw).toBeLessThanOrEqual(binned + maxMass);
    }
  });

  it('keeps the false-positive rate at or below α when nothing changed (200 windows of 300)', () => {
    let rejections = 0;
    for (let r = 0; r < 200; r++) {
      const window = Float64Array.from(rng.normals(300)).sort();
      if (numericDrift(profile, window).pValue < 0.05) rejections++;
    }
    // Expected ≤ 10 (conservative test); 18 is the binomial(200, 0.05) 99.5% quantile.
    expect(rejections).toBeLessThanOrEqual(18);
  });

  it('reports a location shift of 0.5σ as W1 ≈ 0.5 reference standard deviations', () => {
    const window = Float64Array.from(rng.normals(5000, 0.5)).sort();
    expect(numericDrift(profile, window).wasserstein).toBeCloseTo(0.5, 1);
  });

  it('uses the effective sample size nN/(n+N) for the p-value', () => {
    const window = Float64Array.from(rng.normals(1000)).sort();
    expect(numericDrift(profile, window).effectiveN).toBe(Math.round((1000 * 50_000) / 51_000));
  });

  it('measures PSI and JS on about ten reference deciles (PSI ≈ 0 without drift)', () => {
    const window = Float64Array.from(rng.normals(20_000)).sort();
    const m = numericDrift(profile, window);
    expect(m.psi).toBeLessThan(0.01);
    expect(m.jensenShannon).toBeLessThan(0.05);
  });
});

describe('ksAgainstProfile', () => {
  const rng = new SeededRandom(22);
  const reference = Float64Array.from(rng.normals(100_000)).sort();
  const profile = summarizeSorted(reference, 0);

  it('agrees with the raw two-sample KS test and is never less conservative', () => {
    const window = rng.normals(2000, 0.15);
    const viaProfile = ksAgainstProfile(profile, window);
    const raw = ksTwoSample(window, reference); // asymptotic: N > 10000
    expect(viaProfile.statistic).toBeLessThanOrEqual(raw.statistic + 1e-12);
    expect(raw.statistic - viaProfile.statistic).toBeLessThan(0.011);
    expect(viaProfile.pValue).toBeGreaterThanOrEqual(raw.pValue);
    expect(viaProfile.pValue).toBeLessThan(0.001);
  });

  it('treats the profile as a known CDF on request (effective n = window size)', () => {
    const result = ksAgainstProfile(profile, rng.normals(500), { referenceAsCdf: true });
    expect(result.effectiveN).toBe(500);
    expect(result.pValue).toBeGreaterThan(0.01);
  });
});
