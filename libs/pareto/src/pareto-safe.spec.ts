import { describe, expect, it } from 'vitest';
import { clopperPearsonUpper } from './clopper-pearson.js';
import { flipReportFromCorrectness } from './flip-report.js';
import { checkRegressionBudget, isParetoSafe } from './pareto-safe.js';

function reportWith(regressions: number, n: number) {
  const a = new Uint8Array(n).fill(1);
  const b = new Uint8Array(n).fill(1);
  for (let i = 0; i < regressions; i++) b[i] = 0;
  return flipReportFromCorrectness(a, b);
}

describe('isParetoSafe', () => {
  it('with budget 0 accepts zero regressions and rejects one', () => {
    expect(isParetoSafe(reportWith(0, 500), 0, 0.95)).toBe(true);
    expect(isParetoSafe(reportWith(1, 500), 0, 0.95)).toBe(false);
  });

  it('with a positive budget compares the Clopper–Pearson bound to it', () => {
    // scipy.stats.beta.ppf(0.95, 3, 998) = 0.006282284546723426
    expect(isParetoSafe(reportWith(2, 1000), 0.0063, 0.95)).toBe(true);
    expect(isParetoSafe(reportWith(2, 1000), 0.0062, 0.95)).toBe(false);
  });

  it('treats a budget below the zero-regression bound as zero-regression mode', () => {
    const check = checkRegressionBudget(0, 1000, 0.001, 0.95);
    expect(check.zeroRegressionMode).toBe(true);
    expect(check.satisfied).toBe(true);
    expect(check.effectiveBudget).toBeCloseTo(clopperPearsonUpper(0, 1000, 0.95), 15);
    expect(checkRegressionBudget(1, 1000, 0.001, 0.95).satisfied).toBe(false);
  });
});
