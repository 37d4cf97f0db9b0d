import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelManifest } from '@ratchet/contracts';
import { syntheticCsv } from '../testing/synthetic-csv.js';
import { trainCommand } from './train.js';

describe('ratchet train', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-train-'));
    await writeFile(join(dir, 'data.csv'), syntheticCsv(1500, 21, 0.05));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const model of ['lr', 'gbdt'] as const) {
    it(`writes an ONNX model that matches TypeScript, its metrics and a publishable manifest (${model})`, async () => {
      const out = join(dir, model);
      const lines: string[] = [];
      const r = await trainCommand({
        csv: join(dir, 'data.csv'),
        label: 'y',
        model,
        params: model === 'gbdt' ? { nRounds: 30 } : { l2: 1 },
        out,
        progress: { isTTY: false, write: (t: string) => lines.push(t) },
      });
      expect(lines.some((l) => l.includes('done'))).toBe(true);
      expect(r.metrics.onnx_max_abs_diff).toBeLessThan(1e-5);
      expect(r.metrics.roc_auc).toBeGreaterThan(0.75);
      expect(r.table).toMatch(/ROC-AUC\s+0\.\d{4}/);
      const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { testRows: number; positiveClass: string };
      expect(metrics.testRows).toBe(300);
      expect(metrics.positiveClass).toBe('yes');
      const manifest = ModelManifest.fromJSON(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
      expect(manifest.inputs.map((i) => [i.name, i.allowNan])).toEqual([
        ['x1', true],
        ['x2', true],
        ['x3', true],
        ['color', false],
        ['region', false],
      ]);
      expect(manifest.metrics['roc_auc']).toBeCloseTo(r.metrics.roc_auc, 12);
      expect(manifest.labels['model_kind']).toBe(model === 'lr' ? 'logistic-regression' : 'gbdt');
      expect((await readFile(join(out, 'model.onnx'))).length).toBeGreaterThan(100);
    });
  }

  it('refuses an unknown model with the list of known ones', async () => {
    await expect(trainCommand({ csv: join(dir, 'data.csv'), label: 'y', model: 'svm', out: join(dir, 'x') })).rejects.toThrow(/lr, cart, gbdt, mlp/);
  });
});
