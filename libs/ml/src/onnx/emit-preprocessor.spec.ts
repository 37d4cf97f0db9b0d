import { describe, it, expect } from 'vitest';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { makeSyntheticBinary } from '../data/synthetic.js';
import { type Column, type Table, createTable } from '../data/table.js';
import { type PreprocessorOptions, Preprocessor } from '../preprocess/preprocessor.js';
import { OnnxGraphBuilder } from './graph-builder.js';
import { emitPreprocessor } from './emit-preprocessor.js';
import { DataType } from './onnx-proto.js';
import { toOnnxInputs } from './onnx-inputs.js';

/** Runs only the preprocessing subgraph and returns its FP32 design matrix. */
async function onnxDesignMatrix(pre: Preprocessor, table: Table, missingToken: string): Promise<Float32Array> {
  const g = new OnnxGraphBuilder('pre');
  const features = emitPreprocessor(g, pre);
  g.addOutput(features.name, DataType.FLOAT, ['N', features.nFeatures]);
  const session = await InferenceSession.create(g.toBytes());
  const feeds: Record<string, Tensor> = {};
  for (const [name, input] of Object.entries(toOnnxInputs(table, pre.inputs, missingToken))) {
    feeds[name] = new Tensor(input.type, input.data, [...input.dims]);
  }
  const out = await session.run(feeds);
  return out[features.name]?.data as Float32Array;
}

describe('emitPreprocessor', () => {
  const { table: raw, schema } = makeSyntheticBinary({ nRows: 400, seed: 8, missingRate: 0.15 });
  // Round numbers to FP32 first: that is what the graph receives.
  const table = createTable(raw.columns.map((c): Column => (c.type === 'numeric' ? { ...c, values: c.values.map(Math.fround) } : c)));

  it('reproduces Preprocessor.transform with standardisation to FP32 precision', async () => {
    const pre = Preprocessor.fit(table, schema.features);
    const expected = pre.transform(table);
    const actual = await onnxDesignMatrix(pre, table, '?');
    expect(actual.length).toBe(expected.length);
    let maxError = 0;
    for (let k = 0; k < expected.length; k++) maxError = Math.max(maxError, Math.abs((actual[k] as number) - (expected[k] as number)));
    expect(maxError).toBeLessThan(1e-5);
  });

  it('passes unstandardised numbers through bit-exactly (what tree thresholds need)', async () => {
    const options: PreprocessorOptions = { standardize: false, impute: 'median', categoricalMissing: 'ignore' };
    const pre = Preprocessor.fit(table, schema.features, options);
    const expected = pre.transform(table);
    const actual = await onnxDesignMatrix(pre, table, '');
    for (let k = 0; k < expected.length; k++) {
      if ((actual[k] as number) !== Math.fround(expected[k] as number)) {
        throw new Error(`design matrix differs at ${k}: ${actual[k]} vs ${expected[k]}`);
      }
    }
    expect(actual.length).toBe(expected.length);
  });
});
