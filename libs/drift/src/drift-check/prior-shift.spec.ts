import { describe, expect, it } from 'vitest';
import { summarizeCategorical } from '../profile/categorical-summary.js';
import { coarsenBins, sumByGroup } from './coarsen-bins.js';
import { priorShiftTest } from './prior-shift.js';

describe('priorShiftTest', () => {
  const reference = summarizeCategorical([...Array<string>(6000).fill('0'), ...Array<string>(4000).fill('1')]);

  it('matches scipy chi2_contingency on the label table and flags a 40% → 52% positive rate', () => {
    // scipy.stats.chi2_contingency([[6000, 4000], [480, 520]], correction=False), scipy 1.17.1
    const result = priorShiftTest(reference, new Map([['0', 480], ['1', 520]]));
    expect(result.statistic).toBeCloseTo(54.08062930186823, 10);
    expect(result.pValue / 1.9242897160469395e-13).toBeCloseTo(1, 9);
    expect(result.totalVariation).toBeCloseTo(0.12, 12);
    expect(result.cramersV).toBeGreaterThan(0.1);
    expect(result.shifted).toBe(true);
    expect(result.currentPrior).toEqual({ '0': 0.48, '1': 0.52 });
  });

  it('does not flag a tiny but significant prior change in a huge window', () => {
    const result = priorShiftTest(reference, new Map([['0', 585_000], ['1', 415_000]]));
    expect(result.pValue).toBeLessThan(0.01);
    expect(result.cramersV).toBeLessThan(0.02);
    expect(result.shifted).toBe(false);
  });

  it('accepts raw labels and counts an unseen class', () => {
    const result = priorShiftTest(reference, ['0', '1', '2', '2']);
    expect(result.sampleSize).toBe(4);
    expect(result.currentPrior['2']).toBe(0.5);
  });
});

describe('coarsenBins', () => {
  it('groups 100 equal bins into 10 deciles', () => {
    const counts = [0, ...Array<number>(100).fill(10), 0];
    const groups = coarsenBins(counts, 10);
    const sums = sumByGroup(counts, groups);
    expect(Array.from(sums)).toEqual(Array<number>(10).fill(100));
  });

  it('gives fewer groups when a point mass covers several deciles', () => {
    const counts = [700, 100, 100, 100, 0];
    const sums = sumByGroup(counts, coarsenBins(counts, 10));
    expect(Array.from(sums)).toEqual([700, 100, 100, 100]);
  });
});
