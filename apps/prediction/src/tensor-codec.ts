import { type oip, decodeRawTensor, encodeRawTensor } from '@ratchet/contracts';
import { type OipDatatype, isOipDatatype } from './datatypes.js';
import { invalidArgument } from './errors.js';

/** Element storage of a decoded tensor, in the array type onnxruntime expects for its datatype. */
export type TensorData =
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

/** A tensor taken off the wire and checked: shape and element count agree. */
export interface DecodedTensor {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
  /** The raw bytes as received, when the request used raw_input_contents. */
  readonly raw?: Uint8Array;
}

/** How the request carried its tensors; the response answers the same way. */
export type Encoding = 'raw' | 'typed';

/** Number of elements of a shape; throws on negative or non-integer dimensions. */
export function elementCount(name: string, shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw invalidArgument(`input '${name}': shape [${shape.join(',')}] has an invalid dimension ${d}`);
    }
    n *= d;
  }
  return n;
}

/** Decodes one input from `raw_input_contents` bytes (little-endian, BYTES length-prefixed). */
export function decodeRaw(name: string, datatype: OipDatatype, count: number, raw: Uint8Array): TensorData {
  try {
    return decodeRawTensor(datatype, raw, count);
  } catch (err) {
    throw invalidArgument(`input '${name}': ${err instanceof Error ? err.message : String(err)}`);
  }
}

function expectLength(name: string, datatype: OipDatatype, got: number, count: number): void {
  if (got !== count) {
    throw invalidArgument(`input '${name}': ${got} ${datatype} values in contents, shape needs ${count}`);
  }
}

/** Decodes one input from the typed `contents` field matching its datatype. */
export function decodeContents(
  name: string,
  datatype: OipDatatype,
  count: number,
  c: oip.InferTensorContents | undefined,
): TensorData {
  const empty: oip.InferTensorContents = c ?? {
    boolContents: [],
    intContents: [],
    int64Contents: [],
    uintContents: [],
    uint64Contents: [],
    fp32Contents: [],
    fp64Contents: [],
    bytesContents: [],
  };
  const fields: Array<[string, number]> = [
    ['bool_contents', empty.boolContents.length],
    ['int_contents', empty.intContents.length],
    ['int64_contents', empty.int64Contents.length],
    ['uint_contents', empty.uintContents.length],
    ['uint64_contents', empty.uint64Contents.length],
    ['fp32_contents', empty.fp32Contents.length],
    ['fp64_contents', empty.fp64Contents.length],
    ['bytes_contents', empty.bytesContents.length],
  ];
  const expected = contentsField(datatype);
  const stray = fields.find(([f, n]) => n > 0 && f !== expected);
  if (stray) {
    throw invalidArgument(`input '${name}': datatype ${datatype} takes its values in ${expected}, not in ${stray[0]}`);
  }
  switch (datatype) {
    case 'FP32':
      expectLength(name, datatype, empty.fp32Contents.length, count);
      return Float32Array.from(empty.fp32Contents);
    case 'FP64':
      expectLength(name, datatype, empty.fp64Contents.length, count);
      return Float64Array.from(empty.fp64Contents);
    case 'INT8':
      expectLength(name, datatype, empty.intContents.length, count);
      return Int8Array.from(empty.intContents);
    case 'INT16':
      expectLength(name, datatype, empty.intContents.length, count);
      return Int16Array.from(empty.intContents);
    case 'INT32':
      expectLength(name, datatype, empty.intContents.length, count);
      return Int32Array.from(empty.intContents);
    case 'INT64':
      expectLength(name, datatype, empty.int64Contents.length, count);
      return BigInt64Array.from(empty.int64Contents, (v) => BigInt(v));
    case 'UINT8':
      expectLength(name, datatype, empty.uintContents.length, count);
      return Uint8Array.from(empty.uintContents);
    case 'UINT16':
      expectLength(name, datatype, empty.uintContents.length, count);
      return Uint16Array.from(empty.uintContents);
    case 'UINT32':
      expectLength(name, datatype, empty.uintContents.length, count);
      return Uint32Array.from(empty.uintContents);
    case 'UINT64':
      expectLength(name, datatype, empty.uint64Contents.length, count);
      return BigUint64Array.from(empty.uint64Contents, (v) => BigInt(v));
    case 'BOOL':
      expectLength(name, datatype, empty.boolContents.length, count);
      return Uint8Array.from(empty.boolContents, (b) => (b ? 1 : 0));
    case 'BYTES': {
      expectLength(name, datatype, empty.bytesContents.length, count);
      const decoder = new TextDecoder('utf-8', { fatal: true });
      return empty.bytesContents.map((b, i) => {
        try {
          return decoder.decode(b);
        } catch {
          throw invalidArgument(`input '${name}': BYTES element ${i} is not valid UTF-8`);
        }
      });
    }
    case 'FP16':
      throw invalidArgument(`input '${name}': FP16 has no typed contents field; send it in raw_input_contents`);
  }
}

function contentsField(dt: OipDatatype): string {
  switch (dt) {
    case 'BOOL':
      return 'bool_contents';
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return 'int_contents';
    case 'INT64':
      return 'int64_contents';
    case 'UINT8':
    case 'UINT16':
    case 'UINT32':
      return 'uint_contents';
    case 'UINT64':
      return 'uint64_contents';
    case 'FP32':
    case 'FP16':
      return 'fp32_contents';
    case 'FP64':
      return 'fp64_contents';
    case 'BYTES':
      return 'bytes_contents';
  }
}

/**
 * Decodes the inputs of a ModelInferRequest, typed or raw, checking datatype names, shapes and
 * element counts. Model-specific checks (names, datatypes, NaN) happen against the signature later.
 */
export function decodeRequestInputs(req: oip.ModelInferRequest): { inputs: DecodedTensor[]; encoding: Encoding } {
  const raw = req.rawInputContents;
  const encoding: Encoding = raw.length > 0 ? 'raw' : 'typed';
  if (encoding === 'raw' && raw.length !== req.inputs.length) {
    throw invalidArgument(
      `raw_input_contents has ${raw.length} entries for ${req.inputs.length} inputs; send one per input, in order`,
    );
  }
  const seen = new Set<string>();
  const inputs = req.inputs.map((t, i): DecodedTensor => {
    if (!t.name) throw invalidArgument(`input #${i} has no name`);
    if (seen.has(t.name)) throw invalidArgument(`input '${t.name}' appears twice`);
    seen.add(t.name);
    if (!isOipDatatype(t.datatype)) {
      throw invalidArgument(`input '${t.name}': unknown datatype ${JSON.stringify(t.datatype)}`);
    }
    const count = elementCount(t.name, t.shape);
    let data: TensorData;
    if (encoding === 'raw') {
      if (t.contents && hasAnyContents(t.contents)) {
        throw invalidArgument(`input '${t.name}': has both contents and raw_input_contents`);
      }
      data = decodeRaw(t.name, t.datatype, count, raw[i] as Uint8Array);
    } else {
      data = decodeContents(t.name, t.datatype, count, t.contents);
    }
    return encoding === 'raw'
      ? { name: t.name, datatype: t.datatype, shape: t.shape, data, raw: raw[i] as Uint8Array }
      : { name: t.name, datatype: t.datatype, shape: t.shape, data };
  });
  return { inputs, encoding };
}

function hasAnyContents(c: oip.InferTensorContents): boolean {
  return (
    c.boolContents.length +
      c.intContents.length +
      c.int64Contents.length +
      c.uintContents.length +
      c.uint64Contents.length +
      c.fp32Contents.length +
      c.fp64Contents.length +
      c.bytesContents.length >
    0
  );
}

/** Bytes a decoded tensor occupies, for the request size limit. */
export function tensorByteSize(t: DecodedTensor): number {
  if (Array.isArray(t.data)) {
    let n = 0;
    for (const s of t.data) n += 4 + s.length * 3;
    return n;
  }
  return (t.data as Exclude<TensorData, string[]>).byteLength;
}

/** Encodes a tensor as the typed `contents` of an OIP output. */
export function encodeContents(datatype: OipDatatype, data: TensorData): oip.InferTensorContents {
  const c: oip.InferTensorContents = {
    boolContents: [],
    intContents: [],
    int64Contents: [],
    uintContents: [],
    uint64Contents: [],
    fp32Contents: [],
    fp64Contents: [],
    bytesContents: [],
  };
  if (Array.isArray(data)) {
    c.bytesContents = data.map((s) => Buffer.from(s, 'utf8'));
    return c;
  }
  switch (datatype) {
    case 'FP32':
    case 'FP16':
      c.fp32Contents = Array.from(data as Float32Array);
      break;
    case 'FP64':
      c.fp64Contents = Array.from(data as Float64Array);
      break;
    case 'INT8':
    case 'INT16':
    case 'INT32':
      c.intContents = Array.from(data as Int32Array);
      break;
    case 'INT64':
      c.int64Contents = Array.from(data as BigInt64Array, (v) => Number(v));
      break;
    case 'UINT8':
    case 'UINT16':
    case 'UINT32':
      c.uintContents = Array.from(data as Uint32Array);
      break;
    case 'UINT64':
      c.uint64Contents = Array.from(data as BigUint64Array, (v) => Number(v));
      break;
    case 'BOOL':
      c.boolContents = Array.from(data as Uint8Array, (v) => v !== 0);
      break;
    case 'BYTES':
      break;
  }
  return c;
}

/** Encodes a tensor as raw little-endian bytes (BYTES: 4-byte length then UTF-8 per element). */
export const encodeRaw: (data: TensorData) => Buffer = encodeRawTensor;
