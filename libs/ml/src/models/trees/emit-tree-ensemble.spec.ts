import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../../onnx/graph-builder.js';
import type { ModelEmitter } from '../../onnx/model-emitters.js';
import { DataType } from '../../onnx/onnx-proto.js';
import type { BinaryClassifier } from '../types.js';
import { fitCart } from './cart.js';
import { emitCart, emitGbdt } from './emit-tree-ensemble.js';
import { fitGbdt } from './gbdt.js';
import { nonlinearDataset, sliceTrainingSet } from './synthetic-data.js';

/** Runs `emit` on a bare FP32 `[N, d]` input and returns ORT's P(y = 1) per row. */
async function runEmitted(emit: ModelEmitter, model: BinaryClassifier, X: Float64Array, nRows: number): Promise<Float32Array> {
  const g = new OnnxGraphBuilder('emitter_test');
  const d = model.nFeatures;
  const input = g.addInput('X', DataType.FLOAT, ['N', d]);
  const out = emit(g, model, { name: input, nFeatures: d });
  if (out.task !== 'binary') throw new Error('expected a binary output');
  g.addOutput(out.positiveProbability, DataType.FLOAT, ['N', 1]);
  const session = await InferenceSession.create(g.toBytes());
  const result = await session.run({ X: new Tensor('float32', Float32Array.from(X), [nRows, d]) });
  return result[out.positiveProbability]?.data as Float32Array;
}

/** Largest |ORT − TypeScript| over rows, with the TypeScript side fed the same FP32-rounded rows. */
async function maxOrtError(emit: ModelEmitter, model: BinaryClassifier, X: Float64Array, nRows: number): Promise<number> {
  const x32 = X.map(Math.fround);
  const expected = model.predictProba(x32, nRows);
  const got = await runEmitted(emit, model, x32, nRows);
  let max = 0;
  for (let i = 0; i < nRows; i++) max = Math.max(max, Math.abs((got[i] as number) - (expected[i] as number)));
  return max;
}

describe('tree ONNX emitters under onnxruntime-node', () => {
  const all = nonlinearDataset(4000, 12, 31);
  const train = sliceTrainingSet(all, 0, 3000);
  const test = sliceTrainingSet(all, 3000, 4000);

  it('reproduces CART probabilities within 1e-5 on held-out rows', async () => {
    const model = fitCart(train, { maxDepth: 10, minSamplesLeaf: 3 });
    expect(await maxOrtError(emitCart, model, test.X, test.nRows)).toBeLessThan(1e-5);
  });

  it('reproduces GBDT probabilities within 1e-5 on held-out rows', async () => {
    const model = fitGbdt(train, { nRounds: 120, maxDepth: 6, learningRate: 0.1 });
    expect(await maxOrtError(emitGbdt, model, test.X, test.nRows)).toBeLessThan(1e-5);
  });

  it('agrees on rows sitting exactly on a float32 threshold', async () => {
    // Every test row is moved onto the root threshold of the first tree: the branch rule
    // fround(x) < t sends it right in both runtimes.
    const model = fitGbdt(train, { nRounds: 30, maxDepth: 4 });
    const root = model.trees[0];
    const f = root?.feature[0] as number;
    const X = test.X.slice();
    for (let i = 0; i < test.nRows; i++) X[i * 12 + f] = root?.threshold[0] as number;
    expect(await maxOrtError(emitGbdt, model, X, test.nRows)).toBeLessThan(1e-5);
  });

  it('sends NaN where each split learned to send it', async () => {
    const X = train.X.slice();
    for (let i = 0; i < train.nRows; i += 4) X[i * 12 + ((i >> 2) % 4)] = Number.NaN;
    const model = fitGbdt({ ...train, X }, { nRounds: 40, maxDepth: 5 });
    expect(model.trees.some((t) => t.missingLeft.some((v) => v === 1))).toBe(true);
    const Xt = test.X.slice();
    for (let i = 0; i < test.nRows; i += 3) Xt[i * 12 + (i % 4)] = Number.NaN;
    expect(await maxOrtError(emitGbdt, model, Xt, test.nRows)).toBeLessThan(1e-5);
  });

  it('refuses a model of another kind', () => {
    const cart = fitCart(train, { maxDepth: 2 });
    expect(() => emitGbdt(new OnnxGraphBuilder('x'), cart, { name: 'X', nFeatures: 12 })).toThrow(/expected a GbdtClassifier, got kind 'cart'/);
  });
});
