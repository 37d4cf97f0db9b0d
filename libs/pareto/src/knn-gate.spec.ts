import { describe, expect, it } from 'vitest';
import { correctness, routedPredictions } from './correctness.js';
import { flipReport } from './flip-report.js';
import {
  calibrateKnnGate,
  fitKnnGate,
  knnGateFromJson,
  knnGateRoute,
  knnGateScores,
  knnGateToJson,
  type KnnGate,
} from './knn-gate.js';
import { Rng } from '@ratchet/ml';
import { syntheticFlips } from './testing/synthetic-flips.js';

function bruteForceScores(gate: KnnGate, features: Float64Array): Float64Array {
  const n = gate.rightA.length;
  const q = features.length / gate.dim;
  const out = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    const d: { dist: number; idx: number }[] = [];
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < gate.dim; j++) {
        const z = ((features[i * gate.dim + j] ?? 0) - (gate.mean[j] ?? 0)) / (gate.scale[j] ?? 1);
        s += (z - (gate.points[r * gate.dim + j] ?? 0)) ** 2;
      }
      d.push({ dist: s, idx: r });
    }
    d.sort((a, b) => a.dist - b.dist || a.idx - b.idx);
    let v = 0;
    for (const { idx } of d.slice(0, gate.k)) v += (gate.rightB[idx] ?? 0) - (gate.rightA[idx] ?? 0);
    out[i] = v / gate.k;
  }
  return out;
}

describe('knn gate', () => {
  const rng = new Rng(7);
  const reference = syntheticFlips(rng, 400);
  const queries = syntheticFlips(rng, 150);

  it('scores queries exactly as a full sort of distances does', () => {
    for (const k of [1, 4, 15]) {
      const gate = fitKnnGate(reference, { k });
      expect(Array.from(knnGateScores(gate, queries.features))).toEqual(
        Array.from(bruteForceScores(gate, queries.features)),
      );
    }
  });

  it('breaks distance ties by the lower reference index', () => {
    // Two identical reference points: with k = 1 the first one decides.
    const gate = fitKnnGate({
      features: Float64Array.from([0, 0, 1, 1]),
      dim: 1,
      y: Int32Array.from([1, 1, 1, 1]),
      predA: Int32Array.from([0, 1, 1, 1]),
      predB: Int32Array.from([1, 0, 1, 1]),
    }, { k: 1 });
    expect(knnGateScores(gate, Float64Array.from([0]))[0]).toBe(1);
  });

  it('routes to B only where B beat A among the neighbours and sends ties to A', () => {
    const gate = fitKnnGate(reference, { k: 25 });
    const scores = knnGateScores(gate, queries.features);
    const route = knnGateRoute(gate, queries.features);
    for (let i = 0; i < route.length; i++) expect(route[i]).toBe((scores[i] ?? 0) > 0 ? 1 : 0);
    // B is better for x0 > 0.2 by construction: most such queries should be routed.
    let right = 0;
    let routedRight = 0;
    for (let i = 0; i < queries.n; i++) {
      if ((queries.features[i * 3] ?? 0) > 0.5) {
        right++;
        routedRight += route[i] ?? 0;
      }
    }
    expect(routedRight / right).toBeGreaterThan(0.8);
  });

  it('round-trips through JSON without changing any score', () => {
    const gate = fitKnnGate(reference, { k: 9, margin: 0.1 });
    const restored = knnGateFromJson(JSON.parse(JSON.stringify(knnGateToJson(gate))));
    expect(restored).toEqual(gate);
    expect(knnGateScores(restored, queries.features)).toEqual(knnGateScores(gate, queries.features));
  });

  it('routes nothing when deactivated, giving exactly A’s predictions', () => {
    const gate = { ...fitKnnGate(reference), active: false };
    const route = knnGateRoute(gate, queries.features);
    expect(Array.from(routedPredictions(queries.predA, queries.predB, route))).toEqual(Array.from(queries.predA));
  });

  it('with budget 0 has zero regressions on its calibration set', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const r = new Rng(seed);
      const ref = syntheticFlips(r, 600);
      const cal = syntheticFlips(r, 600);
      const { gate, calibration, report } = calibrateKnnGate(fitKnnGate(ref, { k: 20 }), cal, {
        budget: 0,
        confidence: 0.95,
      });
      expect(report.regressions).toBe(0);
      expect(report.gains).toBe(calibration.gains);
      const gated = routedPredictions(cal.predA, cal.predB, knnGateRoute(gate, cal.features));
      expect(flipReport(cal.y, cal.predA, gated).regressions).toBe(0);
    }
  });

  it('keeps the out-of-sample regression rate within budget at the stated confidence over seeds', () => {
    const budget = 0.01;
    const confidence = 0.9;
    const seeds = 20;
    let violations = 0;
    let routed = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = new Rng(1000 + seed);
      const ref = syntheticFlips(r, 800);
      const cal = syntheticFlips(r, 1500);
      const test = syntheticFlips(r, 8000);
      const { gate } = calibrateKnnGate(fitKnnGate(ref, { k: 25 }), cal, { budget, confidence });
      const route = knnGateRoute(gate, test.features);
      const a = correctness(test.y, test.predA);
      const b = correctness(test.y, test.predB);
      let regressions = 0;
      for (let i = 0; i < test.n; i++) if (route[i] === 1 && a[i] === 1 && b[i] === 0) regressions++;
      if (regressions / test.n > budget) violations++;
      if (gate.active) routed++;
    }
    // At most δ·seeds violations are expected; allow the binomial 99th percentile of Bin(20, 0.1) = 6.
    expect(violations).toBeLessThanOrEqual(6);
    expect(routed).toBeGreaterThan(seeds / 2);
  });
});
