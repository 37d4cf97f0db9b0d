import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { makeSyntheticBinary } from '../data/synthetic.js';
import { exportPipeline } from '../onnx/export-pipeline.js';
import { toOnnxInputs } from '../onnx/onnx-inputs.js';
import { modelEmitters } from '../onnx/model-emitters.js';
import { modelDecoders } from './model-decoders.js';
import { type ModelParams, modelTrainers } from './model-trainers.js';
import { Pipeline, isBinaryPipeline } from './pipeline.js';
import { fitPipeline } from './train-from-spec.js';

const specs: Record<string, ModelParams> = {
  'logistic-regression': { l2: 1 },
  cart: { maxDepth: 5, minSamplesLeaf: 5 },
  gbdt: { nRounds: 20, maxDepth: 3, learningRate: 0.3 },
  mlp: { hiddenLayers: [8], maxEpochs: 20, learningRate: 0.01 },
};

describe('the model registries', () => {
  it('list the same kinds for training, decoding and ONNX export', () => {
    const kinds = Object.keys(modelTrainers).sort();
    expect(Object.keys(modelDecoders).sort()).toEqual(kinds);
    expect(Object.keys(modelEmitters).sort()).toEqual(kinds);
    expect(Object.keys(specs).sort()).toEqual(kinds);
  });

  for (const [kind, params] of Object.entries(specs)) {
    it(`train ${kind} from a spec, round-trip it through JSON and export a graph onnxruntime agrees with`, async () => {
      const train = makeSyntheticBinary({ nRows: 600, seed: 1, missingRate: 0.05 });
      const test = makeSyntheticBinary({ nRows: 200, seed: 2, missingRate: 0.05 });
      // Trees compare raw FP32 values, so their pipelines skip standardisation (see emit-tree-ensemble).
      const preprocess = kind === 'logistic-regression' || kind === 'mlp' ? {} : { standardize: false };
      const pipeline = fitPipeline(train.table, { schema: train.schema, model: { kind, params }, seed: 3, preprocess });
      const back = Pipeline.fromJSON(JSON.parse(JSON.stringify(pipeline.toJSON())));
      if (!isBinaryPipeline(pipeline) || !isBinaryPipeline(back)) throw new Error('expected binary pipelines');
      const p = pipeline.predictProba(test.table);
      expect(Array.from(back.predictProba(test.table))).toEqual(Array.from(p));
      const session = await InferenceSession.create(exportPipeline(pipeline));
      const feeds: Record<string, Tensor> = {};
      for (const [name, v] of Object.entries(toOnnxInputs(test.table, pipeline.preprocessor.inputs))) {
        feeds[name] = v.type === 'string' ? new Tensor('string', v.data, [...v.dims]) : new Tensor('float32', v.data, [...v.dims]);
      }
      const probs = (await session.run(feeds))['probabilities']?.data as Float32Array;
      await session.release();
      let worst = 0;
      for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs((probs[2 * i + 1] ?? Number.NaN) - (p[i] ?? 0)));
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
