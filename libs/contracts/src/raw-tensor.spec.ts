import { describe, expect, it } from 'vitest';
import { Tensor } from './gen/ratchet/v1/events.js';
import { decodeRawTensor, encodeRawTensor, eventTensorElements, rawEventTensor } from './raw-tensor.js';

describe('raw tensor bytes', () => {
  it('round-trips every numeric datatype and strings', () => {
    const cases: [string, Parameters<typeof encodeRawTensor>[0]][] = [
      ['FP32', Float32Array.from([1.5, -2, Number.NaN])],
      ['FP64', Float64Array.from([0.1, 1e300])],
      ['INT32', Int32Array.from([-7, 7])],
      ['INT64', BigInt64Array.from([-(2n ** 62n), 5n])],
      ['BOOL', Uint8Array.from([1, 0, 1])],
      ['BYTES', ['Married-civ-spouse', '', 'é']],
    ];
    for (const [dt, data] of cases) {
      expect(decodeRawTensor(dt, encodeRawTensor(data), data.length)).toEqual(data);
    }
  });

  it('lays BYTES out as a little-endian length then UTF-8', () => {
    expect([...encodeRawTensor(['ab'])]).toEqual([2, 0, 0, 0, 97, 98]);
  });

  it('says what is wrong with a malformed buffer', () => {
    expect(() => decodeRawTensor('FP32', new Uint8Array(6), 2)).toThrow(/6 bytes, expected 8/);
    expect(() => decodeRawTensor('BYTES', Uint8Array.from([9, 0, 0, 0, 1]), 1)).toThrow(/past the end/);
    expect(() => decodeRawTensor('COMPLEX', new Uint8Array(0), 0)).toThrow(/unknown datatype/);
  });

  it('reads event tensors in either layout after a protobuf round trip', () => {
    const raw = Tensor.decode(Tensor.encode(rawEventTensor('p', 'FP32', [2, 1], Float32Array.from([0.25, 0.5]))).finish());
    expect(eventTensorElements(raw)).toEqual(Float32Array.from([0.25, 0.5]));
    const typed = Tensor.fromPartial({ name: 'c', datatype: 'BYTES', shape: [1], contents: { bytesContents: [Buffer.from('x')] } });
    expect(eventTensorElements(typed)).toEqual(['x']);
  });
});
