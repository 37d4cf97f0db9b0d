import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { demoModel } from './demo-model.js';

describe('the built-in demo model', () => {
  it('learns the synthetic problem well above chance', () => {
    const m = demoModel({ nRows: 1500 });
    expect(m.metrics.roc_auc).toBeGreaterThan(0.75);
    expect(m.inputs.map((i) => i.name)).toEqual(['x1', 'x2', 'x3', 'color', 'region']);
  });

  it('exports a graph that onnxruntime serves on raw named columns', async () => {
    const m = demoModel({ nRows: 500 });
    const session = await InferenceSession.create(m.onnx);
    expect([...session.inputNames].sort()).toEqual(m.inputs.map((i) => i.name).sort());
    const feeds: Record<string, Tensor> = {};
    for (const i of m.inputs) {
      feeds[i.name] =
        i.datatype === 'FP32'
          ? new Tensor('float32', Float32Array.from([0.5, Number.NaN]), [2, 1])
          : new Tensor('string', ['red', 'never-seen'], [2, 1]);
    }
    const out = await session.run(feeds);
    const probs = out['probabilities']?.data as Float32Array;
    expect(probs).toHaveLength(4);
    expect((probs[0] ?? 0) + (probs[1] ?? 0)).toBeCloseTo(1, 5);
    expect(out['label']?.dims).toEqual([2]);
    await session.release();
  });
});
