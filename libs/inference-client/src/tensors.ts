import type { oip } from '@ratchet/contracts';

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
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | string[];
}

function rawBytesElements(values: readonly string[]): Buffer {
  const parts = values.map((s) => Buffer.from(String(s), 'utf8'));
  const out = Buffer.allocUnsafe(parts.reduce((n, p) => n + 4 + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.writeUInt32LE(p.length, off);
    p.copy(out, off + 4);
    off += 4 + p.length;
  }
  return out;
}

function asBuffer(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Encodes a column as raw little-endian bytes, the way Triton clients send tensors. */
export function encodeRawColumn(c: ColumnInput): Buffer {
  switch (c.datatype) {
    case 'FP32':
      return asBuffer(c.values instanceof Float32Array ? c.values : Float32Array.from(c.values as ArrayLike<number>));
    case 'FP64':
      return asBuffer(c.values instanceof Float64Array ? c.values : Float64Array.from(c.values as ArrayLike<number>));
    case 'INT32':
      return asBuffer(Int32Array.from(c.values as ArrayLike<number>));
    case 'INT64':
      return asBuffer(
        c.values instanceof BigInt64Array ? c.values : BigInt64Array.from(c.values as ArrayLike<number>, (v) => BigInt(v)),
      );
    case 'BOOL':
      return asBuffer(Uint8Array.from(c.values as ArrayLike<number>, (v) => (v ? 1 : 0)));
    case 'BYTES':
      return rawBytesElements(c.values as readonly string[]);
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

function decodeRawBytes(raw: Uint8Array, count: number): string[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: string[] = [];
  let off = 0;
  const dec = new TextDecoder();
  for (let i = 0; i < count && off + 4 <= raw.byteLength; i++) {
    const len = view.getUint32(off, true);
    out.push(dec.decode(raw.subarray(off + 4, off + 4 + len)));
    off += 4 + len;
  }
  return out;
}

function aligned(raw: Uint8Array): ArrayBuffer {
  const b = new ArrayBuffer(raw.byteLength);
  new Uint8Array(b).set(raw);
  return b;
}

/** Decodes the outputs of a response, raw or typed. */
export function decodeOutputs(res: oip.ModelInferResponse): OutputValue[] {
  return res.outputs.map((o, i) => {
    const count = o.shape.reduce((a, b) => a * b, 1);
    const raw = res.rawOutputContents[i];
    const base = { name: o.name, datatype: o.datatype, shape: o.shape };
    if (raw) {
      switch (o.datatype) {
        case 'FP32':
          return { ...base, data: new Float32Array(aligned(raw)) };
        case 'FP64':
          return { ...base, data: new Float64Array(aligned(raw)) };
        case 'INT32':
          return { ...base, data: new Int32Array(aligned(raw)) };
        case 'INT64':
          return { ...base, data: new BigInt64Array(aligned(raw)) };
        case 'BYTES':
          return { ...base, data: decodeRawBytes(raw, count) };
        default:
          return { ...base, data: new Uint8Array(aligned(raw)) };
      }
    }
    const c = o.contents;
    switch (o.datatype) {
      case 'FP32':
        return { ...base, data: Float32Array.from(c?.fp32Contents ?? []) };
      case 'FP64':
        return { ...base, data: Float64Array.from(c?.fp64Contents ?? []) };
      case 'INT32':
        return { ...base, data: Int32Array.from(c?.intContents ?? []) };
      case 'INT64':
        return { ...base, data: BigInt64Array.from(c?.int64Contents ?? [], (v) => BigInt(v)) };
      case 'BYTES':
        return { ...base, data: (c?.bytesContents ?? []).map((b) => Buffer.from(b).toString('utf8')) };
      default:
        return { ...base, data: Uint8Array.from(c?.boolContents ?? [], (v) => (v ? 1 : 0)) };
    }
  });
}
