import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { oip } from '@ratchet/contracts';
import { InferenceError } from './errors.js';
import { decodeRequestInputs, encodeContents, encodeRaw } from './tensor-codec.js';

const noContents = (): oip.InferTensorContents => ({
  boolContents: [],
  intContents: [],
  int64Contents: [],
  uintContents: [],
  uint64Contents: [],
  fp32Contents: [],
  fp64Contents: [],
  bytesContents: [],
});

function request(partial: Partial<oip.ModelInferRequest>): oip.ModelInferRequest {
  return { modelName: 'm', modelVersion: '', id: '', parameters: {}, inputs: [], outputs: [], rawInputContents: [], ...partial };
}

function input(name: string, datatype: string, shape: number[], contents?: Partial<oip.InferTensorContents>) {
  return { name, datatype, shape, parameters: {}, contents: contents ? { ...noContents(), ...contents } : undefined };
}

function expectInvalid(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as InferenceError).code).toBe(status.INVALID_ARGUMENT);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected an INVALID_ARGUMENT error');
}

describe('decoding OIP request tensors', () => {
  it('decodes typed contents of every supported datatype', () => {
    const { inputs, encoding } = decodeRequestInputs(
      request({
        inputs: [
          input('f', 'FP32', [2, 1], { fp32Contents: [1.5, -2] }),
          input('d', 'FP64', [2], { fp64Contents: [0.1, 0.2] }),
          input('i', 'INT32', [2], { intContents: [7, -7] }),
          input('l', 'INT64', [2], { int64Contents: [9007199254740991, -3] }),
          input('b', 'BOOL', [2], { boolContents: [true, false] }),
          input('s', 'BYTES', [2, 1], { bytesContents: [Buffer.from('Married'), Buffer.from('é')] }),
        ],
      }),
    );
    expect(encoding).toBe('typed');
    expect(inputs.map((t) => t.data)).toEqual([
      Float32Array.from([1.5, -2]),
      Float64Array.from([0.1, 0.2]),
      Int32Array.from([7, -7]),
      BigInt64Array.from([9007199254740991n, -3n]),
      Uint8Array.from([1, 0]),
      ['Married', 'é'],
    ]);
  });

  it('decodes raw little-endian contents, including length-prefixed BYTES', () => {
    const f = Buffer.alloc(8);
    f.writeFloatLE(3.25, 0);
    f.writeFloatLE(-1, 4);
    const s = Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from('ab'), Buffer.from([0, 0, 0, 0])]);
    const { inputs, encoding } = decodeRequestInputs(
      request({ inputs: [input('f', 'FP32', [2, 1]), input('s', 'BYTES', [2, 1])], rawInputContents: [f, s] }),
    );
    expect(encoding).toBe('raw');
    expect(inputs[0]?.data).toEqual(Float32Array.from([3.25, -1]));
    expect(inputs[1]?.data).toEqual(['ab', '']);
  });

  it('round-trips outputs through raw and typed encodings', () => {
    const probs = Float32Array.from([0.25, 0.75]);
    expect(new Float32Array(new Uint8Array(encodeRaw(probs)).buffer)).toEqual(probs);
    expect(encodeContents('INT64', BigInt64Array.from([1n, 0n])).int64Contents).toEqual([1, 0]);
    const raw = encodeRaw(['x', 'yz']);
    const { inputs } = decodeRequestInputs(request({ inputs: [input('s', 'BYTES', [2])], rawInputContents: [raw] }));
    expect(inputs[0]?.data).toEqual(['x', 'yz']);
  });

  it('says which input has the wrong number of values', () => {
    expectInvalid(
      () => decodeRequestInputs(request({ inputs: [input('age', 'FP32', [3, 1], { fp32Contents: [1, 2] })] })),
      /input 'age': 2 FP32 values in contents, shape needs 3/,
    );
  });

  it('refuses values placed in the field of another datatype', () => {
    expectInvalid(
      () => decodeRequestInputs(request({ inputs: [input('age', 'FP32', [1], { fp64Contents: [1] })] })),
      /datatype FP32 takes its values in fp32_contents, not in fp64_contents/,
    );
  });

  it('refuses unknown datatypes, negative dimensions and duplicate names', () => {
    expectInvalid(() => decodeRequestInputs(request({ inputs: [input('a', 'FLOAT', [1])] })), /unknown datatype "FLOAT"/);
    expectInvalid(() => decodeRequestInputs(request({ inputs: [input('a', 'FP32', [-1])] })), /invalid dimension -1/);
    expectInvalid(
      () =>
        decodeRequestInputs(
          request({ inputs: [input('a', 'FP32', [1], { fp32Contents: [1] }), input('a', 'FP32', [1], { fp32Contents: [1] })] }),
        ),
      /appears twice/,
    );
  });

  it('checks raw content lengths and counts', () => {
    expectInvalid(
      () => decodeRequestInputs(request({ inputs: [input('a', 'FP32', [2])], rawInputContents: [Buffer.alloc(4)] })),
      /raw content has 4 bytes, expected 8/,
    );
    expectInvalid(
      () =>
        decodeRequestInputs(request({ inputs: [input('a', 'FP32', [1]), input('b', 'FP32', [1])], rawInputContents: [Buffer.alloc(4)] })),
      /raw_input_contents has 1 entries for 2 inputs/,
    );
    expectInvalid(
      () =>
        decodeRequestInputs(
          request({ inputs: [input('s', 'BYTES', [1])], rawInputContents: [Buffer.from([9, 0, 0, 0, 65])] }),
        ),
      /claims 9 bytes past the end/,
    );
  });
});
