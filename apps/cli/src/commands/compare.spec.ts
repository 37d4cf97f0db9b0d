import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, exportPipeline, extractLabels, inferSchema, fitPipeline, labelsFromProba, parseCsv } from '@ratchet/ml';
import { flipReport, pipelineProba } from '@ratchet/pareto';
import { syntheticCsv } from '../testing/synthetic-csv.js';
import { runCompare } from './compare.js';

describe('ratchet compare', () => {
  let dir: string;
  let a: Pipeline;
  let b: Pipeline;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-compare-'));
    const trainText = syntheticCsv(1500, 3);
    const train = parseCsv(trainText);
    const schema = inferSchema(train, { label: 'y', positiveClass: 'yes' });
    a = fitPipeline(train, { schema, model: { kind: 'logistic-regression', params: { l2: 1 } } });
    b = fitPipeline(train, { schema, model: { kind: 'gbdt', params: { nRounds: 25, maxDepth: 3 } } });
    await writeFile(join(dir, 'a.onnx'), exportPipeline(a));
    await writeFile(join(dir, 'b.onnx'), exportPipeline(b));
    await writeFile(join(dir, 'test.csv'), syntheticCsv(700, 4, 0.1));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives the flip report of the TypeScript models on the CSV and writes it as JSON', async () => {
    const json = join(dir, 'report.json');
    const r = await runCompare(join(dir, 'a.onnx'), join(dir, 'b.onnx'), join(dir, 'test.csv'), {
      label: 'y',
      json,
      progress: (l) => lines.push(l),
    });
    const test = parseCsv(await readFile(join(dir, 'test.csv'), 'utf8'));
    const y = extractLabels(test, { label: 'y', positiveClass: 'yes' });
    const expected = flipReport(y, labelsFromProba(pipelineProba(a, test, 'A')), labelsFromProba(pipelineProba(b, test, 'B')));
    expect(r.positiveClass).toBe('yes');
    expect(r.report.n).toBe(700);
    expect(r.report.regressions).toBe(expected.regressions);
    expect(r.report.gains).toBe(expected.gains);
    expect(r.report.accuracyA).toBeCloseTo(expected.accuracyA, 12);
    expect(r.report.regressionUpperBound).toBeCloseTo(expected.regressionUpperBound, 12);
    expect(r.table).toMatch(/regressions \(A right, candidate wrong\)\s+\d+/);
    expect(r.table).toContain('McNemar p');
    const written = JSON.parse(await readFile(json, 'utf8')) as { report: { gains: number }; positiveClass: string };
    expect(written.report.gains).toBe(expected.gains);
    expect(written.positiveClass).toBe('yes');
    expect(lines.some((l) => l.startsWith('read 700 labelled rows'))).toBe(true);
  });

  it('names the missing column when the CSV lacks a model input', async () => {
    await writeFile(join(dir, 'short.csv'), 'x1,x2,y\n1,2,yes\n3,4,no\n');
    await expect(
      runCompare(join(dir, 'a.onnx'), join(dir, 'b.onnx'), join(dir, 'short.csv'), { label: 'y', progress: () => undefined }),
    ).rejects.toThrow(/column 'x3'/);
  });

  it('asks for --positive when the label has more than two classes', async () => {
    await writeFile(join(dir, 'three.csv'), 'x1,x2,x3,color,region,y\n1,2,3,red,north,a\n1,2,3,red,north,b\n1,2,3,red,north,c\n');
    await expect(
      runCompare(join(dir, 'a.onnx'), join(dir, 'b.onnx'), join(dir, 'three.csv'), { label: 'y', progress: () => undefined }),
    ).rejects.toThrow(/has 3 classes .*pass --positive/);
  });
});
