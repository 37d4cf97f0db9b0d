import { type TensorElements, type oip, decodeRawTensor, encodeRawTensor, typedContentsElements } from '@ratchet/contracts';

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
  switch (c.datatype) {
    case 'FP32':
      return encodeRawTensor(c.values instanceof Float32Array ? c.values : Float32Array.from(c.values as ArrayLike<number>));
    case 'FP64':
      return encodeRawTensor(c.values instanceof Float64Array ? c.values : Float64Array.from(c.values as ArrayLike<number>));
    case 'INT32':
      return encodeRawTensor(Int32Array.from(c.values as ArrayLike<number>));
    case 'INT64':
      return encodeRawTensor(
        c.values instanceof BigInt64Array ? c.values : BigInt64Array.from(c.values as ArrayLike<number>, (v) => BigInt(v)),
      );
    case 'BOOL':
      return encodeRawTensor(Uint8Array.from(c.values as ArrayLike<number>, (v) => (v ? 1 : 0)));
    case 'BYTES':
      return encodeRawTensor((c.values as readonly string[]).map(String));
  }
}

/** Encodes a column into the typed `contents` field of its datatype. */
export function encodeTypedColumn(c: ColumnInput): oip.InferTensorContents {
  const out: oip.InferTensorContents = {
    boolContents: [],
    intContents: [],
    int64Contents: [],
    uintContents: [],
    uint64Contents: [],
    fp32Contents: [],
    fp64Contents: [],
    bytesContents: [],
  };
  const nums = () => Array.from(c.values as ArrayLike<number>, Number);
  switch (c.datatype) {
    case 'FP32':
      out.fp32Contents = nums();
      break;
    case 'FP64':
      out.fp64Contents = nums();
      break;
    case 'INT32':
      out.intContents = nums();
      break;
    case 'INT64':
      out.int64Contents = nums();
      break;
    case 'BOOL':
      out.boolContents = Array.from(c.values as ArrayLike<number>, (v) => Boolean(v));
      break;
    case 'BYTES':
      out.bytesContents = (c.values as readonly string[]).map((s) => Buffer.from(String(s), 'utf8'));
      break;
  }
  return out;
}

/** Decodes the outputs of a response, raw or typed. */
export function decodeOutputs(res: oip.ModelInferResponse): OutputValue[] {
  return res.outputs.map((o, i) => {
    const raw = res.rawOutputContents[i];
    const data = raw ? decodeRawTensor(o.datatype, raw, o.shape.reduce((a, b) => a * b, 1)) : typedContentsElements(o.datatype, o.contents);
    return { name: o.name, datatype: o.datatype, shape: o.shape, data };
  });
}
