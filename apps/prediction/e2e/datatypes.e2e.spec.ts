import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, OnnxGraphBuilder, attr } from '@ratchet/ml';
import { type Harness, startHarness, until } from './harness.js';

/**
 * A graph over every numeric OIP datatype the service takes besides FP32:
 * sum = a + double(b) + double(c) + double(d) (FP64), c_echo = c (INT64), not_d = ¬d (BOOL).
 */
function mixedDatatypeModel(): Uint8Array {
  const g = new OnnxGraphBuilder('mixed');
  const a = g.addInput('a', DataType.DOUBLE, ['N', 1]);
  const b = g.addInput('b', DataType.INT32, ['N', 1]);
  const c = g.addInput('c', DataType.INT64, ['N', 1]);
  const d = g.addInput('d', DataType.BOOL, ['N', 1]);
  const asDouble = (x: string) => g.op('Cast', [x], { attributes: { to: attr.int(DataType.DOUBLE) } });
  const sum = g.op('Add', [g.op('Add', [a, asDouble(b)]), g.op('Add', [asDouble(c), asDouble(d)])], { outputs: ['sum'] });
  g.addOutput(sum, DataType.DOUBLE, ['N', 1]);
  g.addOutput(g.op('Identity', [c], { outputs: ['c_echo'] }), DataType.INT64, ['N', 1]);
  g.addOutput(g.op('Not', [d], { outputs: ['not_d'] }), DataType.BOOL, ['N', 1]);
  return g.toBytes({ producerName: 'ratchet-test' });
}

describe('inputs and outputs of every numeric datatype', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.registry.publish({ model: 'mixed', version: '1.0.0', artifact: mixedDatatypeModel() });
    await until(() => h.client.modelReady('mixed'), 10_000, 'the mixed model to load');
  });
  afterAll(() => h.close());

  it('serves FP64, INT32, INT64 and BOOL, raw and typed, in one batch of three rows', async () => {
    const meta = await h.client.modelMetadata('mixed');
    expect(meta.inputs.map((i) => `${i.name}:${i.datatype}`)).toEqual(['a:FP64', 'b:INT32', 'c:INT64', 'd:BOOL']);
    expect(meta.outputs.map((o) => `${o.name}:${o.datatype}`)).toEqual(['sum:FP64', 'c_echo:INT64', 'not_d:BOOL']);
    for (const encoding of ['raw', 'typed'] as const) {
      const res = await h.client.infer({
        model: 'mixed',
        encoding,
        inputs: [
          { name: 'a', datatype: 'FP64', values: [0.5, 1e-9, -2] },
          { name: 'b', datatype: 'INT32', values: [1, -2, 2_000_000_000] },
          { name: 'c', datatype: 'INT64', values: BigInt64Array.from([2n ** 40n, 0n, -5n]) },
          { name: 'd', datatype: 'BOOL', values: [1, 0, 1] },
        ],
      });
      expect(Array.from(res.output('sum').data as Float64Array)).toEqual([0.5 + 1 + 2 ** 40 + 1, 1e-9 - 2, -2 + 2_000_000_000 - 5 + 1]);
      expect(Array.from(res.output('c_echo').data as BigInt64Array)).toEqual([2n ** 40n, 0n, -5n]);
      expect(Array.from(res.output('not_d').data as Uint8Array)).toEqual([0, 1, 0]);
    }
  });
});
