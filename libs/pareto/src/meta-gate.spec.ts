import { describe, expect, it } from 'vitest';
import { correctness, routedPredictions } from './correctness.js';
import { flipReport } from './flip-report.js';
import { calibrateMetaGate, fitMetaGate, metaGateRoute, metaGateScores, type MetaGateData } from './meta-gate.js';
import { logisticTrainer } from './testing/logistic-trainer.js';
import { Rng } from '@ratchet/ml';
import { syntheticFlips, type SyntheticFlips } from './testing/synthetic-flips.js';

const asData = (s: SyntheticFlips): MetaGateData => ({ ...s, featureDim: s.dim });

describe('meta gate', () => {
  const rng = new Rng(11);
  const train = syntheticFlips(rng, 1500);
  const cal = syntheticFlips(rng, 1500);

  it('trains only on disagreements and scores agreements as never routable', () => {
    const seen: number[] = [];
    const gate = fitMetaGate(
      {
        fit(X, y) {
          seen.push(y.length, X.length / y.length);
          return { predictProba: (_X, n) => new Float64Array(n).fill(0.9) };
        },
      },
      asData(train),
    );
    let disagreements = 0;
    for (let i = 0; i < train.n; i++) if (train.predA[i] !== train.predB[i]) disagreements++;
    expect(seen).toEqual([disagreements, train.dim + 2]);
    const scores = metaGateScores(gate, cal);
    for (let i = 0; i < cal.n; i++) {
      expect(scores[i]).toBe(cal.predA[i] === cal.predB[i] ? Number.NEGATIVE_INFINITY : 0.9);
    }
  });

  it('learns that B is right where x₀ is large', () => {
    const gate = fitMetaGate(logisticTrainer(), asData(train));
    const route = metaGateRoute(gate, cal);
    const gated = routedPredictions(cal.predA, cal.predB, route);
    const base = flipReport(cal.y, cal.predA, cal.predB);
    const report = flipReport(cal.y, cal.predA, gated);
    expect(report.accuracyB).toBeGreaterThan(base.accuracyA);
    expect(report.regressions).toBeLessThan(base.regressions);
  });

  it('with budget 0 has zero regressions on its calibration set and keeps gains', () => {
    const fitted = fitMetaGate(logisticTrainer(), asData(train));
    const { gate, calibration, report } = calibrateMetaGate(fitted, asData(cal), { budget: 0 });
    expect(calibration.feasible).toBe(true);
    expect(report.regressions).toBe(0);
    expect(report.gains).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(gate.config))).toEqual(gate.config);
  });

  it('routes nothing when no threshold is feasible, giving exactly A’s predictions', () => {
    // The meta model's score is x itself, and the highest-scored disagreement is a regression.
    const data: MetaGateData = {
      features: Float64Array.from([0.9, 0.5, 0.1]),
      featureDim: 1,
      scoresA: new Float64Array(3),
      scoresB: new Float64Array(3),
      y: Int32Array.from([1, 1, 1]),
      predA: Int32Array.from([1, 0, 1]),
      predB: Int32Array.from([0, 1, 0]),
    };
    const byFeature = fitMetaGate(
      { fit: () => ({ predictProba: (X, n) => Float64Array.from({ length: n }, (_, i) => X[i * 3] ?? 0) }) },
      data,
    );
    const { gate, calibration } = calibrateMetaGate(byFeature, data, { budget: 0 });
    expect(calibration.feasible).toBe(false);
    expect(gate.config.active).toBe(false);
    const route = metaGateRoute(gate, data);
    expect(Array.from(routedPredictions(data.predA, data.predB, route))).toEqual(Array.from(data.predA));
  });

  it('keeps the out-of-sample regression rate within budget at the stated confidence over seeds', () => {
    const budget = 0.01;
    const confidence = 0.9;
    const seeds = 30;
    let violations = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = new Rng(5000 + seed);
      const tr = syntheticFlips(r, 1000);
      const ca = syntheticFlips(r, 1500);
      const te = syntheticFlips(r, 20_000);
      const { gate } = calibrateMetaGate(fitMetaGate(logisticTrainer(), asData(tr)), asData(ca), {
        budget,
        confidence,
      });
      const route = metaGateRoute(gate, te);
      const a = correctness(te.y, te.predA);
      const b = correctness(te.y, te.predB);
      let regressions = 0;
      for (let i = 0; i < te.n; i++) if (route[i] === 1 && a[i] === 1 && b[i] === 0) regressions++;
      if (regressions / te.n > budget) violations++;
    }
    // Expected ≤ δ·seeds = 3; the 99th percentile of Bin(30, 0.1) is 8.
    expect(violations).toBeLessThanOrEqual(8);
  });
});
