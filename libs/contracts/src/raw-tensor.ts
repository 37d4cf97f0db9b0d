import type { InferTensorContents } from './gen/inference/grpc_predict_v2.js';
import type { Tensor } from './gen/ratchet/v1/events.js';

/** Element storage of a tensor in the array type its datatype maps to. */
export type TensorElements =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** Bytes per element of a fixed-size OIP datatype; undefined for BYTES and unknown names. */
export function rawElementSize(datatype: string): number | undefined {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
    case 'INT8':
      return 1;
    case 'UINT16':
    case 'INT16':
    case 'FP16':
      return 2;
    case 'UINT32':
    case 'INT32':
    case 'FP32':
      return 4;
    case 'UINT64':
    case 'INT64':
    case 'FP64':
      return 8;
    default:
      return undefined;
  }
}

/**
 * Encodes elements in the OIP raw layout: little-endian, BYTES as a 4-byte little-endian length
 * then the UTF-8 bytes. Numeric arrays are viewed, not copied.
 */
export function encodeRawTensor(data: TensorElements): Buffer {
  if (Array.isArray(data)) {
    const parts = data.map((s) => Buffer.from(s, 'utf8'));
    const out = Buffer.allocUnsafe(parts.reduce((n, p) => n + 4 + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.writeUInt32LE(p.length, off);
      p.copy(out, off + 4);
      off += 4 + p.length;
    }
    return out;
  }
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Decodes OIP raw bytes into elements of `datatype`. Throws an Error saying what is wrong when
 * the byte length does not fit `count` elements.
 */
export function decodeRawTensor(datatype: string, raw: Uint8Array, count: number): TensorElements {
  if (datatype === 'BYTES') {
    const out: string[] = [];
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let off = 0;
    for (let i = 0; i < count; i++) {
      if (off + 4 > raw.byteLength) throw new Error(`raw BYTES content ends after ${i} of ${count} elements`);
      const len = view.getUint32(off, true);
      off += 4;
      if (off + len > raw.byteLength) throw new Error(`raw BYTES element ${i} claims ${len} bytes past the end of the content`);
      out.push(decoder.decode(raw.subarray(off, off + len)));
      off += len;
    }
    if (off !== raw.byteLength) throw new Error(`raw BYTES content has ${raw.byteLength - off} trailing bytes`);
    return out;
  }
  const size = rawElementSize(datatype);
  if (size === undefined) throw new Error(`unknown datatype ${JSON.stringify(datatype)}`);
  if (raw.byteLength !== count * size) {
    throw new Error(`raw content has ${raw.byteLength} bytes, expected ${count * size} (${count} ${datatype} elements)`);
  }
  // Copy once: gRPC and Kafka buffers are rarely aligned for typed-array views.
  const buf = new ArrayBuffer(raw.byteLength);
  new Uint8Array(buf).set(raw);
  switch (datatype) {
    case 'FP32':
      return new Float32Array(buf);
    case 'FP64':
      return new Float64Array(buf);
    case 'INT8':
      return new Int8Array(buf);
    case 'INT16':
      return new Int16Array(buf);
    case 'INT32':
      return new Int32Array(buf);
    case 'INT64':
      return new BigInt64Array(buf);
    case 'UINT16':
    case 'FP16':
      return new Uint16Array(buf);
    case 'UINT32':
      return new Uint32Array(buf);
    case 'UINT64':
      return new BigUint64Array(buf);
    default:
      return new Uint8Array(buf);
  }
}

/** OIP contents with every field empty. */
export function emptyContents(): InferTensorContents {
  return {
    boolContents: [],
    intContents: [],
    int64Contents: [],
    uintContents: [],
    uint64Contents: [],
    fp32Contents: [],
    fp64Contents: [],
    bytesContents: [],
  };
}

/** The `InferTensorContents` field that holds values of `datatype` (FP16 has none). */
export type ContentsField = Exclude<keyof InferTensorContents, never>;

const CONTENTS_FIELD: Readonly<Record<string, ContentsField>> = {
  BOOL: 'boolContents',
  INT8: 'intContents',
  INT16: 'intContents',
  INT32: 'intContents',
  INT64: 'int64Contents',
  UINT8: 'uintContents',
  UINT16: 'uintContents',
  UINT32: 'uintContents',
  UINT64: 'uint64Contents',
  FP32: 'fp32Contents',
  FP64: 'fp64Contents',
  BYTES: 'bytesContents',
};

/** Field of `InferTensorContents` for a datatype, or undefined when it has no typed form. */
export function contentsFieldOf(datatype: string): ContentsField | undefined {
  return CONTENTS_FIELD[datatype];
}

/** The protobuf name of a contents field (`fp32Contents` → `fp32_contents`), for messages. */
export function contentsFieldProtoName(field: ContentsField): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Elements of typed OIP contents for `datatype`, in the array type onnxruntime expects
 * (INT8 → Int8Array, UINT16 → Uint16Array, BOOL → Uint8Array of 0/1, BYTES → strings decoded
 * as strict UTF-8). Throws for datatypes without a typed form and for invalid UTF-8.
 */
export function typedContentsElements(datatype: string, contents: InferTensorContents | undefined): TensorElements {
  const c = contents ?? emptyContents();
  switch (datatype) {
    case 'FP32':
      return Float32Array.from(c.fp32Contents);
    case 'FP64':
      return Float64Array.from(c.fp64Contents);
    case 'INT8':
      return Int8Array.from(c.intContents);
    case 'INT16':
      return Int16Array.from(c.intContents);
    case 'INT32':
      return Int32Array.from(c.intContents);
    case 'INT64':
      return BigInt64Array.from(c.int64Contents, (v) => BigInt(v));
    case 'UINT8':
      return Uint8Array.from(c.uintContents);
    case 'UINT16':
      return Uint16Array.from(c.uintContents);
    case 'UINT32':
      return Uint32Array.from(c.uintContents);
    case 'UINT64':
      return BigUint64Array.from(c.uint64Contents, (v) => BigInt(v));
    case 'BOOL':
      return Uint8Array.from(c.boolContents, (b) => (b ? 1 : 0));
    case 'BYTES': {
      const decoder = new TextDecoder('utf-8', { fatal: true });
      return c.bytesContents.map((b, i) => {
        try {
          return decoder.decode(b);
        } catch {
          throw new Error(`BYTES element ${i} is not valid UTF-8`);
        }
      });
    }
    default:
      throw new Error(`datatype ${datatype} has no typed contents field; send it in raw form`);
  }
}

/** Encodes elements into the typed contents field of `datatype`. */
export function encodeTypedContents(datatype: string, data: TensorElements): InferTensorContents {
  const c = emptyContents();
  if (Array.isArray(data)) {
    c.bytesContents = data.map((s) => Buffer.from(s, 'utf8'));
    return c;
  }
  const field = contentsFieldOf(datatype);
  if (field === undefined || field === 'bytesContents') throw new Error(`datatype ${datatype} has no typed numeric contents field`);
  if (field === 'boolContents') c.boolContents = Array.from(data as Uint8Array, (v) => v !== 0);
  else if (data instanceof BigInt64Array || data instanceof BigUint64Array) c[field] = Array.from(data, (v) => Number(v));
  else c[field] = Array.from(data);
  return c;
}

/** Number of elements a shape holds. */
export function shapeElementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The elements of an event tensor, from `raw_contents` when set, else from `contents`. */
export function eventTensorElements(t: Tensor): TensorElements {
  if (t.rawContents.length > 0 || !t.contents) return decodeRawTensor(t.datatype, t.rawContents, shapeElementCount(t.shape));
  return typedContentsElements(t.datatype, t.contents);
}

/** An event tensor carrying its elements in the raw layout. */
export function rawEventTensor(name: string, datatype: string, shape: readonly number[], data: TensorElements | Uint8Array): Tensor {
  // A Uint8Array is already raw bytes (for BOOL and UINT8 its elements are its bytes).
  const rawContents =
    data instanceof Uint8Array
      ? Buffer.isBuffer(data)
        ? data
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : encodeRawTensor(data);
  return { name, datatype, shape: [...shape], contents: undefined, rawContents };
}
