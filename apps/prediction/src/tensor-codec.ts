import {
  type ContentsField,
  type TensorElements,
  type oip,
  contentsFieldOf,
  contentsFieldProtoName,
  decodeRawTensor,
  emptyContents,
  encodeRawTensor,
  encodeTypedContents,
  typedContentsElements,
} from '@ratchet/contracts';
import { type OipDatatype, isOipDatatype } from './datatypes.js';
import { invalidArgument } from './errors.js';

/** Element storage of a decoded tensor, in the array type onnxruntime expects for its datatype. */
export type TensorData = TensorElements;

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

/** Decodes one input from the typed `contents` field matching its datatype. */
export function decodeContents(
  name: string,
  datatype: OipDatatype,
  count: number,
  contents: oip.InferTensorContents | undefined,
): TensorData {
  const c = contents ?? emptyContents();
  const expected = contentsFieldOf(datatype);
  if (expected === undefined) {
    throw invalidArgument(`input '${name}': ${datatype} has no typed contents field; send it in raw_input_contents`);
  }
  for (const field of Object.keys(c) as ContentsField[]) {
    if (field !== expected && c[field].length > 0) {
      throw invalidArgument(
        `input '${name}': datatype ${datatype} takes its values in ${contentsFieldProtoName(expected)}, not in ${contentsFieldProtoName(field)}`,
      );
    }
  }
  if (c[expected].length !== count) {
    throw invalidArgument(`input '${name}': ${c[expected].length} ${datatype} values in contents, shape needs ${count}`);
  }
  try {
    return typedContentsElements(datatype, c);
  } catch (err) {
    throw invalidArgument(`input '${name}': ${err instanceof Error ? err.message : String(err)}`);
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
  return (Object.keys(c) as ContentsField[]).some((f) => c[f].length > 0);
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
export const encodeContents: (datatype: OipDatatype, data: TensorData) => oip.InferTensorContents = encodeTypedContents;

/** Encodes a tensor as raw little-endian bytes (BYTES: 4-byte length then UTF-8 per element). */
export const encodeRaw: (data: TensorData) => Buffer = encodeRawTensor;
