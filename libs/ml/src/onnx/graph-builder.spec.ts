import { describe, it, expect } from 'vitest';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { DataType } from './onnx-proto.js';
import { ONNX_ML_DOMAIN, OnnxGraphBuilder, attr, tensor } from './graph-builder.js';

describe('OnnxGraphBuilder', () => {
  it('writes a model that onnxruntime loads and runs (y = 2x + 1)', async () => {
    const g = new OnnxGraphBuilder('affine');
    const x = g.addInput('x', DataType.FLOAT, ['N', 3]);
    const scaled = g.op('Mul', [x, g.constant('two', tensor.float32([2], [1]))]);
    g.op('Add', [scaled, g.constant('one', tensor.float32([1], [1]))], { outputs: ['y'] });
    g.addOutput('y', DataType.FLOAT, ['N', 3]);
    const session = await InferenceSession.create(g.toBytes({ metadata: { purpose: 'test' } }));
    const out = await session.run({ x: new Tensor('float32', Float32Array.from([0, 1, -2, 0.5, 3, 4]), [2, 3]) });
    expect(Array.from(out['y']?.data as Float32Array)).toEqual([1, 3, -3, 2, 7, 9]);
    expect(session.inputNames).toEqual(['x']);
  });

  it('encodes string tensors, negative int64 attributes and the ai.onnx.ml domain', async () => {
    const g = new OnnxGraphBuilder('encode');
    const s = g.addInput('s', DataType.STRING, ['N', 1]);
    g.op('LabelEncoder', [s], {
      domain: ONNX_ML_DOMAIN,
      outputs: ['code'],
      attributes: {
        keys_strings: attr.strings(['a', 'é', '']),
        values_int64s: attr.ints([0, 1, 7]),
        default_int64: attr.int(-1),
      },
    });
    g.addOutput('code', DataType.INT64, ['N', 1]);
    const session = await InferenceSession.create(g.toBytes());
    const out = await session.run({ s: new Tensor('string', ['é', 'zzz', 'a', ''], [4, 1]) });
    expect(Array.from(out['code']?.data as BigInt64Array)).toEqual([1n, -1n, 0n, 7n]);
  });

  it('refuses duplicate names, unknown inputs and undeclared domains', () => {
    const g = new OnnxGraphBuilder('g');
    g.addInput('x', DataType.FLOAT, [1]);
    expect(() => g.addInput('x', DataType.FLOAT, [1])).toThrow(/already has a tensor named 'x'/);
    expect(() => g.op('Relu', ['nope'])).toThrow(/unknown input tensor 'nope'/);
    expect(() => g.op('Foo', ['x'], { domain: 'com.example' })).toThrow(/no opset/);
  });

  it('shares an input declared twice with the same type and refuses a type clash', () => {
    const g = new OnnxGraphBuilder('g');
    expect(g.useInput('x', DataType.FLOAT, ['N', 1])).toBe('x');
    expect(g.useInput('x', DataType.FLOAT, ['N', 1])).toBe('x');
    expect(() => g.useInput('x', DataType.STRING, ['N', 1])).toThrow(/input 'x' is declared with element type 1/);
    g.op('Relu', ['x'], { outputs: ['r'] });
    expect(() => g.useInput('r', DataType.FLOAT, ['N', 1])).toThrow(/already has a tensor named 'r'/);
  });

  it('generates names that do not collide with declared ones', () => {
    const g = new OnnxGraphBuilder('g');
    g.addInput('Relu_0', DataType.FLOAT, [1]);
    const out = g.op('Relu', ['Relu_0']);
    expect(out).not.toBe('Relu_0');
  });
});
