import { describe, it, expect } from 'vitest';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { extractLabels } from '../data/labels.js';
import { stratifiedSplit } from '../data/split.js';
import { makeSyntheticBinary } from '../data/synthetic.js';
import {
  type Column,
  type Table,
  categoricalColumn,
  categoryAt,
  createTable,
  getCategoricalColumn,
  takeRows,
} from '../data/table.js';
import { fitLogisticRegression } from '../models/logistic-regression.js';
import type { BinaryClassifier } from '../models/types.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { type PreprocessorOptions, Preprocessor } from '../preprocess/preprocessor.js';
import { LABEL_OUTPUT, METADATA_KEYS, PROBABILITIES_OUTPUT, exportPipeline } from './export-pipeline.js';
import { toOnnxInputs } from './onnx-inputs.js';

function trainPipeline(train: Table, options: PreprocessorOptions): Pipeline<BinaryClassifier> {
  const { schema } = makeSyntheticBinary({ nRows: 1, seed: 0 });
  const pre = Preprocessor.fit(train, schema.features, options);
  const model = fitLogisticRegression({
    X: pre.transform(train),
    nRows: train.nRows,
    nFeatures: pre.nFeatures,
    y: extractLabels(train, schema),
  });
  return new Pipeline(schema, pre, model);
}

/** Held-out rows with numbers rounded to FP32 (what the graph receives) and some unseen colors. */
function heldOut(table: Table, rows: Int32Array): Table {
  const t = takeRows(table, rows);
  const columns = t.columns.map((c): Column => {
    if (c.type === 'numeric') return { ...c, values: c.values.map(Math.fround) };
    if (c.name !== 'color') return c;
    const color = getCategoricalColumn(t, 'color');
    const values = Array.from({ length: t.nRows }, (_, i) => (i % 9 === 4 ? 'purple' : categoryAt(color, i)));
    return categoricalColumn('color', values);
  });
  return createTable(columns);
}

async function runOnnx(bytes: Uint8Array, pipeline: Pipeline, table: Table, missingToken: string) {
  const session = await InferenceSession.create(bytes);
  const feeds: Record<string, Tensor> = {};
  for (const [name, input] of Object.entries(toOnnxInputs(table, pipeline.preprocessor.inputs, missingToken))) {
    feeds[name] = new Tensor(input.type, input.data, [...input.dims]);
  }
  const out = await session.run(feeds);
  return { session, out };
}

describe('exportPipeline (logistic regression)', () => {
  const { table, schema } = makeSyntheticBinary({ nRows: 3000, seed: 21, missingRate: 0.1 });
  const split = stratifiedSplit(extractLabels(table, schema), { testFraction: 0.1, seed: 5 });
  const train = takeRows(table, split.train);
  const test = heldOut(table, split.test);

  for (const [label, options, missingToken] of [
    ['missing indicator, mean imputation', { categoricalMissing: 'indicator', impute: 'mean' }, ''],
    ['missing ignored, median imputation', { categoricalMissing: 'ignore', impute: 'median' }, '?'],
  ] as const) {
    it(`matches the TypeScript probabilities within 1e-5 (${label})`, async () => {
      const pipeline = trainPipeline(train, options);
      const expected = pipeline.predictProba(test);
      const { session, out } = await runOnnx(exportPipeline(pipeline), pipeline, test, missingToken);
      expect(session.inputNames).toEqual(['x1', 'x2', 'x3', 'color', 'region']);
      expect(session.outputNames).toEqual([LABEL_OUTPUT, PROBABILITIES_OUTPUT]);
      const probabilities = out[PROBABILITIES_OUTPUT];
      const labels = out[LABEL_OUTPUT];
      expect(probabilities?.dims).toEqual([test.nRows, 2]);
      expect(labels?.dims).toEqual([test.nRows]);
      const p = probabilities?.data as Float32Array;
      const l = labels?.data as BigInt64Array;
      let maxError = 0;
      for (let i = 0; i < test.nRows; i++) {
        const want = expected[i] as number;
        maxError = Math.max(maxError, Math.abs((p[2 * i + 1] as number) - want), Math.abs((p[2 * i] as number) - (1 - want)));
        if (Math.abs(want - 0.5) > 1e-5) expect(l[i]).toBe(want > 0.5 ? 1n : 0n);
      }
      expect(maxError).toBeLessThan(1e-5);
    });
  }

  it('really exercised missing values and unseen categories in the held-out rows', () => {
    const color = getCategoricalColumn(test, 'color');
    expect(color.categories).toContain('purple');
    expect(Array.from(color.codes).filter((c) => c === -1).length).toBeGreaterThan(5);
  });

  it('writes the schema, classes and model kind into metadata_props', async () => {
    const pipeline = trainPipeline(train, {});
    const bytes = exportPipeline(pipeline, { negativeClass: 'no', metadata: { 'ratchet.version': '1.2.0' } });
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain(METADATA_KEYS.classes);
    expect(text).toContain(JSON.stringify(['no', 'yes']));
    expect(text).toContain('ratchet.version');
    expect(text).toContain(JSON.stringify(pipeline.preprocessor.inputs));
  });

  it('refuses a model kind without an emitter, naming the kinds it has', () => {
    const pipeline = trainPipeline(train, {});
    expect(() => exportPipeline(pipeline, { emitters: {} })).toThrow(/no ONNX emitter for model kind 'logistic-regression'/);
  });
});
