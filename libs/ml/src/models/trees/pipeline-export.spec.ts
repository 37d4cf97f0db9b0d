import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { extractLabels } from '../../data/labels.js';
import { stratifiedSplit } from '../../data/split.js';
import { makeSyntheticBinary } from '../../data/synthetic.js';
import { type Column, type Table, createTable, takeRows } from '../../data/table.js';
import { PROBABILITIES_OUTPUT, exportPipeline } from '../../onnx/export-pipeline.js';
import { modelEmitters } from '../../onnx/model-emitters.js';
import { toOnnxInputs } from '../../onnx/onnx-inputs.js';
import { modelDecoders } from '../../pipeline/model-decoders.js';
import { Pipeline } from '../../pipeline/pipeline.js';
import { type PreprocessorOptions, Preprocessor } from '../../preprocess/preprocessor.js';
import { emitMlp } from '../mlp/emit-mlp.js';
import { MLP_KIND, MlpClassifier, fitMlp } from '../mlp/mlp.js';
import type { BinaryClassifier, TrainingSet } from '../types.js';
import { CART_KIND, CartClassifier, fitCart } from './cart.js';
import { emitCart, emitGbdt } from './emit-tree-ensemble.js';
import { GBDT_KIND, GbdtClassifier, fitGbdt } from './gbdt.js';

// The tables the core's modelEmitters / modelDecoders should gain (see the report).
const emitters = { ...modelEmitters, [CART_KIND]: emitCart, [GBDT_KIND]: emitGbdt, [MLP_KIND]: emitMlp };
const decoders = {
  ...modelDecoders,
  [CART_KIND]: CartClassifier.fromJSON,
  [GBDT_KIND]: GbdtClassifier.fromJSON,
  [MLP_KIND]: MlpClassifier.fromJSON,
};

/** Numeric cells rounded to FP32, as a serving client sends them. */
function asFloat32(table: Table): Table {
  return createTable(table.columns.map((c): Column => (c.type === 'numeric' ? { ...c, values: c.values.map(Math.fround) } : c)));
}

describe('exportPipeline with tree and MLP models (raw columns in, probabilities out)', () => {
  const { table, schema } = makeSyntheticBinary({ nRows: 4000, seed: 51, missingRate: 0.1 });
  const split = stratifiedSplit(extractLabels(table, schema), { testFraction: 0.2, seed: 6 });
  const train = takeRows(table, split.train);
  const test = asFloat32(takeRows(table, split.test));

  const cases: [string, PreprocessorOptions, (data: TrainingSet) => BinaryClassifier][] = [
    // Trees need no standardisation; without it the graph's FP32 features equal the TypeScript ones exactly.
    ['cart', { standardize: false }, (data) => fitCart(data, { maxDepth: 8, minSamplesLeaf: 5 })],
    ['gbdt', { standardize: false }, (data) => fitGbdt(data, { nRounds: 100, maxDepth: 5 })],
    ['mlp', {}, (data) => fitMlp(data, { hiddenLayers: [16, 8], maxEpochs: 40, seed: 1 })],
  ];
  for (const [kind, options, fit] of cases) {
    it(`serves a ${kind} pipeline whose ONNX probabilities match TypeScript within 1e-5 and survive a JSON round trip`, async () => {
      const pre = Preprocessor.fit(train, schema.features, options);
      const model = fit({ X: pre.transform(train), nRows: train.nRows, nFeatures: pre.nFeatures, y: extractLabels(train, schema) });
      const pipeline = new Pipeline(schema, pre, model);
      const session = await InferenceSession.create(exportPipeline(pipeline, { emitters }));
      const feeds: Record<string, Tensor> = {};
      for (const [name, input] of Object.entries(toOnnxInputs(test, pre.inputs, ''))) {
        feeds[name] = new Tensor(input.type, input.data, [...input.dims]);
      }
      const p = (await session.run(feeds))[PROBABILITIES_OUTPUT]?.data as Float32Array;
      const expected = pipeline.predictProba(test);
      let maxError = 0;
      for (let i = 0; i < test.nRows; i++) maxError = Math.max(maxError, Math.abs((p[2 * i + 1] as number) - (expected[i] as number)));
      expect(p.length).toBe(2 * test.nRows);
      expect(maxError).toBeLessThan(1e-5);

      const restored = Pipeline.fromJSON(JSON.parse(JSON.stringify(pipeline)), decoders);
      expect(restored.model.kind).toBe(kind);
      if (restored.model.task !== 'binary') throw new Error('expected a binary model');
      expect(Array.from(restored.model.predictProba(restored.transform(test), test.nRows))).toEqual(Array.from(expected));
    });
  }
});
