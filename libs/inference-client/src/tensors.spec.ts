import { describe, expect, it } from 'vitest';
import type { oip } from '@ratchet/contracts';
import { buildInferRequest, columnsFromRows } from './inference-client.js';
import { decodeOutputs, encodeRawColumn, encodeTypedColumn } from './tensors.js';

function response(outputs: oip.ModelInferResponse['outputs'], raw: Buffer[] = []): oip.ModelInferResponse {
  return { modelName: 'm', modelVersion: '1.0.0', id: 'r', parameters: {}, outputs, rawOutputContents: raw };
}

const out = (name: string, datatype: string, shape: number[], contents?: Partial<oip.InferTensorContents>) => ({
  name,
  datatype,
  shape,
  parameters: {},
  contents: contents
    ? { boolContents: [], intContents: [], int64Contents: [], uintContents: [], uint64Contents: [], fp32Contents: [], fp64Contents: [], bytesContents: [], ...contents }
    : undefined,
});

describe('the inference client tensors', () => {
  it('encodes raw columns as little-endian bytes with length-prefixed strings', () => {
    expect([...encodeRawColumn({ name: 'a', datatype: 'FP32', values: [1] })]).toEqual([0, 0, 0x80, 0x3f]);
    expect([...encodeRawColumn({ name: 'b', datatype: 'INT64', values: [2] })]).toEqual([2, 0, 0, 0, 0, 0, 0, 0]);
    expect([...encodeRawColumn({ name: 'c', datatype: 'BYTES', values: ['hi', ''] })]).toEqual([2, 0, 0, 0, 104, 105, 0, 0, 0, 0]);
    expect([...encodeRawColumn({ name: 'd', datatype: 'BOOL', values: [1, 0] })]).toEqual([1, 0]);
  });

  it('encodes typed columns into the contents field of their datatype', () => {
    expect(encodeTypedColumn({ name: 'a', datatype: 'FP64', values: [0.5] }).fp64Contents).toEqual([0.5]);
    expect(encodeTypedColumn({ name: 'b', datatype: 'BYTES', values: ['x'] }).bytesContents).toEqual([Buffer.from('x')]);
    expect(encodeTypedColumn({ name: 'c', datatype: 'BOOL', values: [1, 0] }).boolContents).toEqual([true, false]);
  });

  it('decodes raw and typed outputs alike', () => {
    const probs = Float32Array.from([0.25, 0.75]);
    const raw = decodeOutputs(
      response([out('probabilities', 'FP32', [1, 2]), out('label', 'INT64', [1])], [Buffer.from(probs.buffer), Buffer.from(new BigInt64Array([1n]).buffer)]),
    );
    expect(raw[0]?.data).toEqual(probs);
    expect(raw[1]?.data).toEqual(BigInt64Array.from([1n]));
    const typed = decodeOutputs(response([out('probabilities', 'FP32', [1, 2], { fp32Contents: [0.25, 0.75] }), out('s', 'BYTES', [1], { bytesContents: [Buffer.from('é')] })]));
    expect(typed[0]?.data).toEqual(probs);
    expect(typed[1]?.data).toEqual(['é']);
  });

  it('builds a request with one [N,1] tensor per column and typed parameters', () => {
    const req = buildInferRequest({
      model: 'm',
      inputs: [{ name: 'age', datatype: 'FP32', values: [30, 40] }],
      parameters: { user_id: 'u1', weight: 0.5, n: 3, flag: true },
      outputs: ['label'],
    });
    expect(req.inputs[0]).toMatchObject({ name: 'age', datatype: 'FP32', shape: [2, 1] });
    expect(req.rawInputContents).toHaveLength(1);
    expect(req.parameters['user_id']?.stringParam).toBe('u1');
    expect(req.parameters['weight']?.doubleParam).toBe(0.5);
    expect(req.parameters['n']?.int64Param).toBe(3);
    expect(req.parameters['flag']?.boolParam).toBe(true);
    expect(req.outputs.map((o) => o.name)).toEqual(['label']);
    const typed = buildInferRequest({ model: 'm', inputs: [{ name: 'age', datatype: 'FP32', values: [30] }], encoding: 'typed' });
    expect(typed.rawInputContents).toEqual([]);
    expect(typed.inputs[0]?.contents?.fp32Contents).toEqual([30]);
  });

  it('turns row records into columns, with missing numbers as NaN', () => {
    const cols = columnsFromRows(
      [{ age: '39', job: 'clerk' }, { age: '?', job: null }],
      [{ name: 'age', datatype: 'FP32' }, { name: 'job', datatype: 'BYTES' }],
    );
    expect(Array.from(cols[0]?.values as number[])).toEqual([39, Number.NaN]);
    expect(cols[1]?.values).toEqual(['clerk', '']);
    expect(() => columnsFromRows([{ a: 1 }], [{ name: 'a', datatype: 'UINT8' }])).toThrow(/datatype UINT8/);
  });
});
