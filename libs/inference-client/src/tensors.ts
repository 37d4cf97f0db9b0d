import {
  type TensorElements,
  type oip,
  decodeRawTensor,
  encodeRawTensor,
  encodeTypedContents,
  typedContentsElements,
} from '@ratchet/contracts';

/** Datatypes the client encodes. */
export type ColumnDatatype = 'FP32' | 'FP64' | 'INT32' | 'INT64' | 'BOOL' | 'BYTES';

/** One named input tensor; `shape` defaults to `[values.length, 1]` (one value per row). */
export interface ColumnInput {
  readonly name: string;
  readonly datatype: ColumnDatatype;
  readonly values: ArrayLike<number> | readonly string[] | readonly boolean[] | BigInt64Array;
  readonly shape?: readonly number[];
}

/** A decoded output tensor. */
export interface OutputValue {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data: TensorElements;
}

/** Encodes a column as raw little-endian bytes, the way Triton clients send tensors. */
export function encodeRawColumn(c: ColumnInput): Buffer {
  return encodeRawTensor(columnElements(c));
}

/** Encodes a column into the typed `contents` field of its datatype. */
export function encodeTypedColumn(c: ColumnInput): oip.InferTensorContents {
  return encodeTypedContents(c.datatype, columnElements(c));
}

/** A column's values in the element array type of its datatype. */
function columnElements(c: ColumnInput): TensorElements {
  const nums = c.values as ArrayLike<number>;
  switch (c.datatype) {
    case 'FP32':
      return c.values instanceof Float32Array ? c.values : Float32Array.from(nums);
    case 'FP64':
      return c.values instanceof Float64Array ? c.values : Float64Array.from(nums);
    case 'INT32':
      return Int32Array.from(nums);
    case 'INT64':
      return c.values instanceof BigInt64Array ? c.values : BigInt64Array.from(nums, (v) => BigInt(v));
    case 'BOOL':
      return Uint8Array.from(nums, (v) => (v ? 1 : 0));
    case 'BYTES':
      return (c.values as readonly string[]).map(String);
  }
}

/** Decodes the outputs of a response, raw or typed. */
export function decodeOutputs(res: oip.ModelInferResponse): OutputValue[] {
  return res.outputs.map((o, i) => {
    const raw = res.rawOutputContents[i];
    const data = raw ? decodeRawTensor(o.datatype, raw, o.shape.reduce((a, b) => a * b, 1)) : typedContentsElements(o.datatype, o.contents);
    return { name: o.name, datatype: o.datatype, shape: o.shape, data };
  });
}
