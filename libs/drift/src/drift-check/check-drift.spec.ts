import { describe, expect, it } from 'vitest';
import { DriftWindow } from '../profile/drift-window.js';
import { ReferenceProfile } from '../profile/reference-profile.js';
import { SeededRandom } from '../testing/seeded-random.js';
import { checkDrift } from './check-drift.js';

const COLORS = ['red', 'green', 'blue', 'black'];
const COLOR_WEIGHTS = [0.4, 0.3, 0.2, 0.1];

function trainingProfile(seed: number, rows: number): ReferenceProfile {
  const rng = new SeededRandom(seed);
  const color = Array.from({ length: rows }, () => COLORS[rng.categorical(COLOR_WEIGHTS)] ?? null);
  const labels = Array.from({ length: rows }, () => rng.bernoulli(0.3));
  return ReferenceProfile.build({
    numeric: { age: rng.normals(rows, 40, 10), income: rng.normals(rows, 0, 1).map(Math.exp) },
    categorical: { color },
    labels,
    scores: Float64Array.from({ length: rows }, () => rng.next() * 0.6),
  });
}

function window(profile: ReferenceProfile, seed: number, rows: number, ageShift: number, colorWeights = COLOR_WEIGHTS): DriftWindow {
  const rng = new SeededRandom(seed);
  const w = new DriftWindow(profile);
  w.addColumns({
    numeric: { age: rng.normals(rows, 40 + ageShift, 10), income: rng.normals(rows, 0, 1).map(Math.exp) },
    categorical: { color: Array.from({ length: rows }, () => COLORS[rng.categorical(colorWeights)] ?? null) },
    labels: Array.from({ length: rows }, () => rng.bernoulli(0.3)),
    scores: Float64Array.from({ length: rows }, () => rng.next() * 0.6),
  });
  return w;
}

describe('checkDrift', () => {
  const profile = trainingProfile(1, 50_000);

  it('reports no drift when the window comes from the training distribution', () => {
    const report = checkDrift(profile, window(profile, 2, 5000, 0));
    expect(report.drifted).toBe(false);
    expect(report.features.map((f) => f.feature)).toEqual(['age', 'income', 'color']);
    for (const f of report.features) expect(f.effectSize).toBeLessThan(0.05);
    expect(report.labelShift?.shifted).toBe(false);
    expect(report.scoreShift?.drifted).toBe(false);
  });

  it('flags a one-sigma shift of one feature and only that feature', () => {
    const report = checkDrift(profile, window(profile, 3, 2000, 10));
    expect(report.driftedFeatures).toEqual(['age']);
    const age = report.features.find((f) => f.feature === 'age');
    expect(age?.adjustedPValue).toBeLessThan(1e-10);
    expect(age?.metrics.wasserstein).toBeGreaterThan(0.9);
    expect(age?.metrics.wasserstein).toBeLessThan(1.1);
    expect(age?.metrics.psi).toBeGreaterThan(0.5);
  });

  it('does not alert on a significant but trivial shift in a large window', () => {
    const report = checkDrift(profile, window(profile, 4, 100_000, 0.5));
    const age = report.features.find((f) => f.feature === 'age');
    expect(age?.pValue).toBeLessThan(1e-6); // statistically detectable...
    expect(age?.effectSize).toBeLessThan(0.1); // ...but D ≈ 0.02 is below the threshold
    expect(report.drifted).toBe(false);
  });

  it('detects a change in categorical frequencies and counts unseen categories', () => {
    const w = window(profile, 5, 3000, 0, [0.1, 0.2, 0.3, 0.4]);
    for (let i = 0; i < 50; i++) w.add({ age: 40, income: 1, color: 'purple' });
    const report = checkDrift(profile, w);
    const color = report.features.find((f) => f.feature === 'color');
    expect(color?.drifted).toBe(true);
    expect(color?.metrics.unseen).toBe(50);
    expect(color?.effectSize).toBeGreaterThan(0.3);
  });

  it('skips features with too few window values instead of testing them', () => {
    const w = new DriftWindow(profile);
    for (let i = 0; i < 10; i++) w.add({ age: 90, income: 1, color: 'red' });
    const report = checkDrift(profile, w);
    expect(report.features.every((f) => f.skipped === 'insufficient-data' && !f.drifted)).toBe(true);
  });

  it('reports a label prior shift separately from feature drift', () => {
    const w = window(profile, 6, 4000, 0);
    for (let i = 0; i < 3000; i++) w.addLabel(1);
    const report = checkDrift(profile, w);
    expect(report.labelShift?.shifted).toBe(true);
    expect(report.drifted).toBe(false);
  });

  it('adjusts p-values: Bonferroni is never below Benjamini–Hochberg', () => {
    const w = window(profile, 7, 800, 1.5);
    const bh = checkDrift(profile, w);
    const bonf = checkDrift(profile, w, { correction: 'bonferroni' });
    bh.features.forEach((f, i) => expect(bonf.features[i]?.adjustedPValue).toBeGreaterThanOrEqual(f.adjustedPValue));
  });

  it('uses the requested effect metric and threshold', () => {
    const report = checkDrift(profile, window(profile, 8, 2000, 3), { numericEffect: 'wasserstein', thresholds: { wasserstein: 0.5 } });
    const age = report.features.find((f) => f.feature === 'age');
    expect(age?.effectMetric).toBe('wasserstein');
    expect(age?.effectSize).toBeCloseTo(0.3, 1);
    expect(age?.drifted).toBe(false);
  });

  it('checks 14 features of a 10k-row window, one result per feature', () => {
    // Speed is measured in `npm run bench -- monitor`, not asserted here.
    const rng = new SeededRandom(9);
    const names = Array.from({ length: 14 }, (_, i) => `f${i}`);
    const ref = ReferenceProfile.build({ numeric: Object.fromEntries(names.map((n) => [n, rng.normals(20_000)])) });
    const w = new DriftWindow(ref);
    w.addColumns({ numeric: Object.fromEntries(names.map((n, i) => [n, rng.normals(10_000, i * 0.1)])) });
    const report = checkDrift(ref, w);
    expect(report.features.map((f) => f.feature)).toEqual(names);
    // Shifts of 0.1σ·i: the large ones drift, the first ones do not.
    expect(report.features[0]?.drifted).toBe(false);
    expect(report.features[13]?.drifted).toBe(true);
  });
});
