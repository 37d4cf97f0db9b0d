import { describe, expect, it } from 'vitest';
import { mcnemarTest } from './mcnemar.js';

// Reference: statsmodels.stats.contingency_tables.mcnemar([[0, b], [c, 0]], exact=…, correction=True).
describe('mcnemarTest', () => {
  it.each([
    [3, 9, 0.14599609375],
    [0, 5, 0.0625],
    [7, 7, 1.0],
    [1, 0, 1.0],
  ])('uses the exact binomial test for b=%i, c=%i (b + c < 25)', (b, c, p) => {
    const result = mcnemarTest(b, c);
    expect(result.method).toBe('exact-binomial');
    expect(result.pValue).toBeCloseTo(p, 12);
  });

  it.each([
    [10, 30, 9.025, 0.002663119259138558],
    [25, 40, 3.0153846153846153, 0.08247788747320971],
    [100, 60, 9.50625, 0.002047732153668759],
  ])('uses corrected χ² for b=%i, c=%i', (b, c, statistic, p) => {
    const result = mcnemarTest(b, c);
    expect(result.method).toBe('chi-square-corrected');
    expect(result.statistic).toBeCloseTo(statistic, 12);
    expect(result.pValue).toBeCloseTo(p, 12);
  });

  it('matches the exact statsmodels value when forced exact for large counts', () => {
    expect(mcnemarTest(10, 30, { exactThreshold: 1000 }).pValue).toBeCloseTo(0.0022214337732293643, 12);
    expect(mcnemarTest(100, 60, { exactThreshold: 1000 }).pValue).toBeCloseTo(0.001953728034064355, 12);
  });

  it('gives p = 1 with no discordant pairs', () => {
    expect(mcnemarTest(0, 0).pValue).toBe(1);
  });
});
