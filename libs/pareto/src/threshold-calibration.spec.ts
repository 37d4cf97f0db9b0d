import { describe, expect, it } from 'vitest';
import { checkRegressionBudget } from './pareto-safe.js';
import { Rng } from '@ratchet/ml';
import { calibrateThreshold } from './threshold-calibration.js';

function randomInstance(seed: number, n: number) {
  const rng = new Rng(seed);
  const scores = new Float64Array(n);
  const correctA = new Uint8Array(n);
  const correctB = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Coarse scores create ties; higher scores favour B.
    scores[i] = Math.round(rng.next() * 8) / 8;
    correctA[i] = rng.next() < 0.8 - 0.3 * (scores[i] ?? 0) ? 1 : 0;
    correctB[i] = rng.next() < 0.5 + 0.4 * (scores[i] ?? 0) ? 1 : 0;
  }
  return { scores, correctA, correctB };
}

function countFlips(scores: Float64Array, a: Uint8Array, b: Uint8Array, t: number) {
  let regressions = 0;
  let gains = 0;
  for (let i = 0; i < scores.length; i++) {
    if ((scores[i] ?? 0) <= t) continue;
    if (a[i] === 1 && b[i] === 0) regressions++;
    if (a[i] === 0 && b[i] === 1) gains++;
  }
  return { regressions, gains };
}

describe('calibrateThreshold', () => {
  it('finds the max-gain threshold that brute force over all cut points finds', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { scores, correctA, correctB } = randomInstance(seed, 60);
      const budget = [0, 0.05, 0.1, 0.2][seed % 4] ?? 0;
      const result = calibrateThreshold(scores, correctA, correctB, { budget, confidence: 0.9 });
      // Brute force: every distinct score (and "route all") as a threshold, no monotonicity assumed.
      const cuts = [...new Set(Array.from(scores))].map((s) => s - 1e-9);
      let bestGains = 0;
      for (const t of cuts) {
        const { regressions, gains } = countFlips(scores, correctA, correctB, t);
        if (checkRegressionBudget(regressions, scores.length, budget, 0.9).satisfied) {
          bestGains = Math.max(bestGains, gains);
        }
      }
      expect(result.gains).toBe(bestGains);
      if (result.threshold !== null) {
        const realised = countFlips(scores, correctA, correctB, result.threshold);
        expect(realised).toEqual({ regressions: result.regressions, gains: result.gains });
      } else {
        expect(bestGains).toBe(0);
      }
    }
  });

  it('with budget 0 admits no regressions on the calibration set', () => {
    for (let seed = 100; seed < 120; seed++) {
      const { scores, correctA, correctB } = randomInstance(seed, 200);
      const result = calibrateThreshold(scores, correctA, correctB, { budget: 0 });
      expect(result.regressions).toBe(0);
      if (result.threshold !== null) {
        expect(countFlips(scores, correctA, correctB, result.threshold).regressions).toBe(0);
      }
    }
  });

  it('routes nothing when the best-scored flip is a regression and the budget is 0', () => {
    const scores = Float64Array.from([0.9, 0.5, 0.1]);
    const result = calibrateThreshold(scores, Uint8Array.from([1, 0, 1]), Uint8Array.from([0, 1, 1]));
    expect(result.feasible).toBe(false);
    expect(result.threshold).toBeNull();
    expect(result.gains).toBe(0);
  });

  it('places the threshold midway between the admitted and the excluded score', () => {
    const scores = Float64Array.from([0.9, 0.7, 0.3, 0.2]);
    const a = Uint8Array.from([0, 0, 1, 1]);
    const b = Uint8Array.from([1, 1, 0, 1]);
    const result = calibrateThreshold(scores, a, b);
    expect(result.gains).toBe(2);
    expect(result.threshold).toBeCloseTo(0.5, 15);
  });
});
