import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, categoryAt, createTable, extractLabels, fitPipeline, getColumn, makeSyntheticBinary, takeRows } from '@ratchet/ml';
import { ARM_OUTPUT, exportGatedPair, fitPairGate, gatingSplit, predictGatedPair } from '@ratchet/pareto';
import { type Harness, startHarness, until } from './harness.js';

describe('a gated pair (A, B, gate) served as one model version', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('publishes the composite and answers with its arm output over gRPC', async () => {
    const { table, schema } = makeSyntheticBinary({ nRows: 3000, seed: 5, missingRate: 0.05 });
    const y = extractLabels(table, schema);
    const parts = gatingSplit(y, { seed: 1 });
    const rows = (r: Int32Array) => ({ table: takeRows(table, r), y: Float64Array.from(r, (i) => y[i] as number) });
    const a: Pipeline = fitPipeline(takeRows(table, parts.model), { schema, model: { kind: 'logistic-regression' } });
    const b: Pipeline = fitPipeline(takeRows(table, parts.model), { schema, model: { kind: 'gbdt', params: { nRounds: 20, maxDepth: 3 } } });
    const fitted = fitPairGate(a, b, rows(parts.fit), rows(parts.calibration), { kind: 'knn', k: 7, budget: 0.05, confidence: 0.9 });
    const onnx = exportGatedPair(a, b, fitted.gate, { budget: 0.05, confidence: 0.9 });
    await h.registry.publish({
      model: 'gated',
      version: '1.0.0',
      artifact: onnx,
      manifest: {
        format: 'onnx-composite',
        inputs: a.preprocessor.inputs.map((f) =>
          f.type === 'numeric'
            ? { name: f.name, datatype: 'FP32', shape: [-1, 1], allowNan: true }
            : { name: f.name, datatype: 'BYTES', shape: [-1, 1], allowNan: false },
        ),
      },
    });
    await until(() => h.client.modelReady('gated'), 15_000, 'the composite to load');

    const generated = makeSyntheticBinary({ nRows: 64, seed: 77, missingRate: 0.05 }).table;
    // The wire carries FP32: the reference prediction sees the same rounded numbers.
    const served = createTable(generated.columns.map((c) => (c.type === 'numeric' ? { ...c, values: c.values.map(Math.fround) } : c)));
    const inputs = a.preprocessor.inputs.map((f) => {
      const c = getColumn(served, f.name);
      return c.type === 'numeric'
        ? { name: f.name, datatype: 'FP32' as const, values: Float32Array.from(c.values) }
        : { name: f.name, datatype: 'BYTES' as const, values: Array.from({ length: served.nRows }, (_, i) => categoryAt(c, i) ?? '') };
    });
    const res = await h.client.infer({ model: 'gated', inputs });
    const arm = res.output(ARM_OUTPUT);
    expect(arm.shape).toEqual([64]);
    const expected = predictGatedPair(a, b, fitted.gate, served).arm;
    expect(Array.from(arm.data as BigInt64Array, Number)).toEqual(Array.from(expected));
    expect(expected.includes(1)).toBe(true);
    expect(res.output('probabilities').shape).toEqual([64, 2]);
    const meta = await h.client.modelMetadata('gated');
    expect(meta.outputs.map((o) => o.name)).toEqual(['label', 'probabilities', 'arm']);
  });
});
