import { describe, expect, it } from 'vitest';
import { clopperPearsonUpper } from './clopper-pearson.js';
import { flipReport } from './flip-report.js';

describe('flipReport', () => {
  // 10 examples: A right on 0-6, B right on 2-9 → regressions {0,1}, gains {7,8,9}.
  const y = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  const predA = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 0, 0, 1]);
  const predB = Int32Array.from([1, 2, 2, 0, 1, 2, 0, 1, 2, 0]);

  it('counts regressions, gains, NFR and NFI by hand', () => {
    const r = flipReport(y, predA, predB);
    expect(r.n).toBe(10);
    expect(r.accuracyA).toBeCloseTo(0.7, 15);
    expect(r.accuracyB).toBeCloseTo(0.8, 15);
    expect(r.regressions).toBe(2);
    expect(r.gains).toBe(3);
    expect(r.errorsB).toBe(2);
    expect(r.nfr).toBeCloseTo(0.2, 15);
    expect(r.nfi).toBe(1);
    expect(r.mcnemar.b).toBe(2);
    expect(r.mcnemar.c).toBe(3);
    expect(r.mcnemar.pValue).toBe(1);
    expect(r.regressionUpperBound).toBeCloseTo(clopperPearsonUpper(2, 10, 0.95), 15);
  });

  it('reports identical models as having no flips', () => {
    const r = flipReport(y, predA, predA);
    expect(r.regressions).toBe(0);
    expect(r.gains).toBe(0);
    expect(r.nfi).toBe(0);
    expect(r.mcnemar.pValue).toBe(1);
  });

  it('adds log-loss and Brier score from class probabilities', () => {
    const labels = Int32Array.from([0, 1]);
    const probaA = Float64Array.from([0.8, 0.2, 0.4, 0.6]);
    const probaB = Float64Array.from([0.5, 0.5, 0.1, 0.9]);
    const r = flipReport(labels, Int32Array.from([0, 1]), Int32Array.from([0, 1]), { probaA, probaB });
    expect(r.probabilistic?.logLossA).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 14);
    expect(r.probabilistic?.logLossB).toBeCloseTo(-(Math.log(0.5) + Math.log(0.9)) / 2, 14);
    expect(r.probabilistic?.brierA).toBeCloseTo((0.04 + 0.04 + 0.16 + 0.16) / 2, 14);
    expect(r.probabilistic?.brierB).toBeCloseTo((0.25 + 0.25 + 0.01 + 0.01) / 2, 14);
  });

  it('rejects mismatched lengths with a message naming the arrays', () => {
    expect(() => flipReport(y, predA, predB.subarray(1))).toThrow(/predB 9/);
  });
});
