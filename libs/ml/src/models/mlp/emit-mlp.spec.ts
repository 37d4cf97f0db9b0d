import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../../onnx/graph-builder.js';
import { DataType } from '../../onnx/onnx-proto.js';
import { nonlinearDataset, sliceTrainingSet } from '../trees/synthetic-data.js';
import { emitMlp } from './emit-mlp.js';
import { fitMlp } from './mlp.js';

describe('emitMlp under onnxruntime-node', () => {
  for (const hiddenLayers of [[24], [32, 16]]) {
    it(`reproduces a [${hiddenLayers.join(', ')}] network's probabilities within 1e-5 on held-out rows`, async () => {
      const all = nonlinearDataset(3000, 10, 41);
      const model = fitMlp(sliceTrainingSet(all, 0, 2000), { hiddenLayers, learningRate: 3e-3, maxEpochs: 60, seed: 4 });
      const test = sliceTrainingSet(all, 2000, 3000);
      const x32 = test.X.map(Math.fround);
      const expected = model.predictProba(x32, test.nRows);

      const g = new OnnxGraphBuilder('mlp_test');
      const input = g.addInput('X', DataType.FLOAT, ['N', 10]);
      const out = emitMlp(g, model, { name: input, nFeatures: 10 });
      if (out.task !== 'binary') throw new Error('expected a binary output');
      g.addOutput(out.positiveProbability, DataType.FLOAT, ['N', 1]);
      const session = await InferenceSession.create(g.toBytes());
      const result = await session.run({ X: new Tensor('float32', Float32Array.from(x32), [test.nRows, 10]) });
      const got = result[out.positiveProbability]?.data as Float32Array;

      expect(got.length).toBe(test.nRows);
      let maxError = 0;
      for (let i = 0; i < test.nRows; i++) maxError = Math.max(maxError, Math.abs((got[i] as number) - (expected[i] as number)));
      expect(maxError).toBeLessThan(1e-5);
    });
  }

  it('refuses a network whose input width differs from the features', () => {
    const model = fitMlp(nonlinearDataset(100, 5, 42), { hiddenLayers: [4], maxEpochs: 1 });
    expect(() => emitMlp(new OnnxGraphBuilder('x'), model, { name: 'X', nFeatures: 6 })).toThrow(/5 inputs, features have 6/);
  });
});
