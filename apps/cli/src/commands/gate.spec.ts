import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelManifest } from '@ratchet/contracts';
import { loadOnnxClassifier, readLabelledCsv, scoreOnnx } from '../onnx-scoring.js';
import { syntheticCsv } from '../testing/synthetic-csv.js';
import { runGate } from './gate.js';

describe('ratchet gate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-gate-'));
    await writeFile(join(dir, 'train.csv'), syntheticCsv(3000, 11, 0.08));
    await writeFile(join(dir, 'test.csv'), syntheticCsv(800, 12, 0.08));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const gate of ['meta', 'knn'] as const) {
    it(`exports a composite whose arm output and accuracy match the reported evaluation (${gate} gate)`, async () => {
      const out = join(dir, gate);
      const lines: string[] = [];
      const r = await runGate(join(dir, 'train.csv'), {
        label: 'y',
        a: 'lr',
        b: 'gbdt',
        bParams: '{"nRounds":30,"maxDepth":3}',
        gate,
        budget: 0.02,
        confidence: 0.9,
        k: 9,
        test: join(dir, 'test.csv'),
        out,
        progress: (l) => lines.push(l),
      });
      expect(lines.some((l) => l.startsWith('training A (logistic-regression)'))).toBe(true);
      expect(lines.some((l) => l.startsWith('trained B (gbdt)'))).toBe(true);
      expect(r.fitted.report.regressions).toBeLessThanOrEqual(r.fitted.calibration.regressions);

      const composite = await loadOnnxClassifier(r.modelPath);
      const test = readLabelledCsv(await readFile(join(dir, 'test.csv'), 'utf8'), 'y', 'yes', composite.inputs);
      const scores = await scoreOnnx(composite, test.table);
      await composite.session.release();
      const routed = Array.from(scores.arm ?? []).reduce((s, v) => s + v, 0);
      expect(routed).toBe(r.evaluation.routed);
      let right = 0;
      for (let i = 0; i < test.y.length; i++) right += scores.label[i] === test.y[i] ? 1 : 0;
      expect(right / test.y.length).toBeCloseTo(r.evaluation.gated.accuracyB, 2);

      const manifest = ModelManifest.fromJSON(JSON.parse(await readFile(r.manifestPath, 'utf8')));
      expect(manifest.format).toBe('onnx-composite');
      expect(manifest.inputs.map((i) => `${i.name}:${i.datatype}:${String(i.allowNan)}`)).toEqual([
        'x1:FP32:true',
        'x2:FP32:true',
        'x3:FP32:true',
        'color:BYTES:false',
        'region:BYTES:false',
      ]);
      expect(manifest.outputs.map((o) => o.name)).toEqual(['label', 'probabilities', 'arm']);
      expect(manifest.metrics['regressions_vs_a']).toBe(r.evaluation.gated.regressions);
      const flip = JSON.parse(manifest.reports['flip_report'] ?? '{}') as { gated: { regressions: number }; calibration: { budget: number } };
      expect(flip.gated.regressions).toBe(r.evaluation.gated.regressions);
      expect(flip.calibration.budget).toBe(0.02);
      expect(r.table).toContain(`gated (${gate}) vs A`);
    });
  }

  it('splits a single file deterministically when no test file is given', async () => {
    const run = () =>
      runGate(join(dir, 'train.csv'), { label: 'y', b: 'lr', bParams: '{"l2":100}', gate: 'knn', k: 5, out: join(dir, 'split'), progress: () => undefined });
    const first = await run();
    const second = await run();
    expect(first.evaluation.gated.n).toBe(600);
    expect(second.evaluation).toEqual(first.evaluation);
  });

  it('refuses hyper-parameters that are not a JSON object', async () => {
    await expect(runGate(join(dir, 'train.csv'), { label: 'y', aParams: '[1]', out: dir, progress: () => undefined })).rejects.toThrow(
      /--a-params must be a JSON object/,
    );
  });
});
