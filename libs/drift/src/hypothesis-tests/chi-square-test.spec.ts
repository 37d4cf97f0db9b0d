import { describe, expect, it } from 'vitest';
import { balancedCramersV, chiSquareHomogeneity } from './chi-square-test.js';

describe('chiSquareHomogeneity', () => {
  it('matches scipy chi2_contingency(correction=False) with an unseen category (scipy 1.17.1)', () => {
    // Last bucket: never seen in the reference, 15 times in the window.
    const result = chiSquareHomogeneity([500, 300, 150, 50, 0], [90, 70, 20, 5, 15]);
    expect(result.statistic).toBeCloseTo(82.41271272178551, 10);
    expect(result.pValue / 5.3664201869546236e-17).toBeCloseTo(1, 9);
    expect(result.degreesOfFreedom).toBe(4);
  });

  it('matches scipy on a 2×2 label table', () => {
    const result = chiSquareHomogeneity([6000, 4000], [480, 520]);
    expect(result.statistic).toBeCloseTo(54.08062930186823, 10);
    expect(result.pValue / 1.9242897160469395e-13).toBeCloseTo(1, 9);
  });

  it('drops buckets empty on both sides from the degrees of freedom', () => {
    expect(chiSquareHomogeneity([10, 0, 20], [5, 0, 10]).degreesOfFreedom).toBe(1);
  });

  it('returns p = 1 when only one bucket is populated', () => {
    const result = chiSquareHomogeneity([10, 0], [3, 0]);
    expect(result.pValue).toBe(1);
    expect(result.degreesOfFreedom).toBe(0);
  });
});

describe('balancedCramersV', () => {
  it('is 0 for equal proportions and 1 for disjoint supports', () => {
    expect(balancedCramersV([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 15);
    expect(balancedCramersV([10, 0], [0, 7])).toBeCloseTo(1, 15);
  });

  it('equals the classic Cramér V when both samples have the same size', () => {
    const ref = [60, 25, 15];
    const cur = [45, 35, 20];
    const { statistic } = chiSquareHomogeneity(ref, cur);
    expect(balancedCramersV(ref, cur)).toBeCloseTo(Math.sqrt(statistic / 200), 12);
  });

  it('does not depend on how much larger the reference is', () => {
    expect(balancedCramersV([600, 250, 150], [45, 35, 20])).toBeCloseTo(balancedCramersV([60, 25, 15], [45, 35, 20]), 12);
  });
});
