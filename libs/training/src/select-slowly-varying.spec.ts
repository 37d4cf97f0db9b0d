import { afterAll, describe, expect, it } from 'vitest';
import { exportPipeline, Pipeline, makeSyntheticBinary } from '@ratchet/ml';
import { interSequenceReport, selectSlowlyVarying } from './select-slowly-varying.js';
import { TrainingPool } from './training-pool.js';

const { table, schema } = makeSyntheticBinary({ nRows: 1200, seed: 5 });

describe('selectSlowlyVarying', () => {
  const pool = new TrainingPool({ size: 2 });
  afterAll(() => pool.close());
  const base = { table, schema, batches: 4, k: 6, alpha: 0.02, mode: 'auc' as const, pool };

  it('finds a sequence no longer than greedy, within the α-feasible candidates, deterministically', async () => {
    const stages = new Set<string>();
    const run = await selectSlowlyVarying({ ...base, model: 'logistic-regression', seed: 1, onProgress: (s) => stages.add(s) });
    expect([...stages]).toEqual(['train', 'signatures']);
    expect(run.distance).toBe('coefficient');
    expect(run.sequence.totalDistance).toBeLessThanOrEqual(run.greedy.totalDistance + 1e-12);
    run.sequence.indices.forEach((i, b) => {
      expect(Array.from(run.layers[b] ?? [])).toContain(i);
      const best = Math.max(...(run.scores[b] ?? []));
      expect(run.sequence.scores[b]).toBeGreaterThanOrEqual(0.98 * best - 1e-12);
    });
    expect(run.distanceEvaluations).toBeLessThanOrEqual(3 * 6 * 6);
    const point = run.frontier.find((p) => p.alpha === 0.02);
    expect(point?.selection.totalDistance).toBeCloseTo(run.sequence.totalDistance, 12);
    const again = await selectSlowlyVarying({ ...base, model: 'logistic-regression', seed: 1 });
    expect(Array.from(again.sequence.indices)).toEqual(Array.from(run.sequence.indices));
  });

  it('measures CART sequences by path matching and reports inter-sequence stability across seeds', async () => {
    const runs = await Promise.all([1, 2].map((seed) => selectSlowlyVarying({ ...base, model: 'cart', seed })));
    expect(runs[0]?.distance).toBe('structural');
    const inter = interSequenceReport(runs, (r) => r.sequence);
    expect(inter.perBatch.length).toBe(4);
    expect(inter.mean).toBeGreaterThanOrEqual(0);
  });

  it('fixes f0, also an external ONNX model compared by permutation importance', async () => {
    const f0 = Pipeline.fromJSON(
      (await selectSlowlyVarying({ ...base, batches: 2, k: 2, model: 'gbdt', seed: 3 })).pools[0]?.candidates[0]?.pipeline ??
        (() => {
          throw new Error('no candidate');
        })(),
    );
    const run = await selectSlowlyVarying({
      ...base,
      k: 4,
      model: 'gbdt',
      distance: 'permutation',
      initialModel: { onnx: exportPipeline(f0) },
      permutation: { rows: 200 },
      seed: 4,
    });
    expect(run.initial).toBe(true);
    expect(run.sequence.distances.length).toBe(4);
    expect(run.sequence.totalDistance).toBeLessThanOrEqual(run.greedy.totalDistance + 1e-12);
  });

  it('refuses a structural distance for an ONNX-only f0', async () => {
    await expect(
      selectSlowlyVarying({ ...base, batches: 2, k: 2, model: 'cart', initialModel: { onnx: new Uint8Array(1) } }),
    ).rejects.toThrow(/permutation/);
  });
});
