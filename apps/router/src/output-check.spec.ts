import { describe, expect, it } from 'vitest';
import { type oip, encodeRawTensor } from '@ratchet/contracts';
import { InvalidOutputError, checkOutputs } from './output-check.js';

function response(probs: number[], shape: number[], label?: number[]): oip.ModelInferResponse {
  const outputs: oip.ModelInferResponse_InferOutputTensor[] = [
    { name: 'probabilities', datatype: 'FP32', shape, parameters: {}, contents: undefined },
  ];
  const raw = [encodeRawTensor(Float32Array.from(probs))];
  if (label) {
    outputs.push({ name: 'label', datatype: 'INT64', shape: [label.length], parameters: {}, contents: undefined });
    raw.push(encodeRawTensor(BigInt64Array.from(label.map(BigInt))));
  }
  return { modelName: 'm', modelVersion: '1.0.0', id: 'r', parameters: {}, outputs, rawOutputContents: raw };
}

describe('checking a member’s outputs', () => {
  it('accepts well-formed probabilities and decodes them', () => {
    const c = checkOutputs(response([0.25, 0.75, 1, 0], [2, 2], [1, 0]), 2);
    expect(c.classes).toBe(2);
    expect(Array.from(c.probabilities ?? [])).toEqual([0.25, 0.75, 1, 0]);
    expect(Array.from((c.output('label')?.data ?? []) as BigInt64Array)).toEqual([1n, 0n]);
    expect(c.output('nope')).toBeUndefined();
  });

  it('refuses NaN, rows that do not sum to 1, and values outside [0,1]', () => {
    expect(() => checkOutputs(response([Number.NaN, 1], [1, 2]), 1)).toThrow(/NaN/);
    expect(() => checkOutputs(response([0.5, 0.6], [1, 2]), 1)).toThrow(/sums to/);
    expect(() => checkOutputs(response([1.5, -0.5], [1, 2]), 1)).toThrow(InvalidOutputError);
  });

  it('tolerates sums within 1e-4 of 1', () => {
    expect(() => checkOutputs(response([0.50004, 0.5], [1, 2]), 1)).not.toThrow();
  });

  it('refuses the wrong number of rows, a wrong shape and truncated content', () => {
    expect(() => checkOutputs(response([0.5, 0.5], [1, 2]), 2)).toThrow(/expected 2 rows/);
    expect(() => checkOutputs(response([0.5, 0.5], [2]), 2)).toThrow(/expected \[rows, classes\]/);
    expect(() => checkOutputs(response([0.5, 0.5], [2, 2]), 2)).toThrow(/output 'probabilities'/);
  });

  it('refuses a response without outputs', () => {
    expect(() => checkOutputs({ ...response([], [0, 2]), outputs: [], rawOutputContents: [] }, 1)).toThrow(/no outputs/);
  });
});
