/**
 * The subset of the ONNX IR (onnx/onnx.proto) that Ratchet writes, as plain TypeScript
 * objects, and their protobuf encoding. Field numbers are those of the official schema.
 */
import { ProtoWriter, utf8Bytes } from './protobuf-writer.js';

/** TensorProto.DataType values. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

/** A tensor constant: numeric data little-endian in `rawData`, strings in `stringData`. */
export interface TensorProto {
  readonly name: string;
  readonly dataType: DataType;
  readonly dims: readonly number[];
  readonly rawData?: Uint8Array;
  readonly stringData?: readonly Uint8Array[];
}

/** A node attribute; exactly the field matching `type` is set. */
export type AttributeProto =
  | { readonly name: string; readonly type: typeof AttributeType.FLOAT; readonly f: number }
  | { readonly name: string; readonly type: typeof AttributeType.INT; readonly i: number | bigint }
  | { readonly name: string; readonly type: typeof AttributeType.STRING; readonly s: Uint8Array }
  | { readonly name: string; readonly type: typeof AttributeType.TENSOR; readonly t: TensorProto }
  | { readonly name: string; readonly type: typeof AttributeType.GRAPH; readonly g: GraphProto }
  | { readonly name: string; readonly type: typeof AttributeType.FLOATS; readonly floats: readonly number[] }
  | { readonly name: string; readonly type: typeof AttributeType.INTS; readonly ints: readonly (number | bigint)[] }
  | { readonly name: string; readonly type: typeof AttributeType.STRINGS; readonly strings: readonly Uint8Array[] };

/** One operator application. */
export interface NodeProto {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly opType: string;
  /** Operator set domain: `''` (default ONNX) or e.g. `'ai.onnx.ml'`. */
  readonly domain: string;
  readonly attributes: readonly AttributeProto[];
}

/** A dimension: fixed size, symbolic name, or unknown (`null`). */
export type Dim = number | string | null;

/** Name and tensor type of a graph input/output. */
export interface ValueInfoProto {
  readonly name: string;
  readonly elemType: DataType;
  readonly shape: readonly Dim[];
  readonly docString?: string;
}

/** A computation graph. */
export interface GraphProto {
  readonly name: string;
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly TensorProto[];
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
  readonly docString?: string;
}

/** An operator set the model uses. */
export interface OperatorSetId {
  readonly domain: string;
  readonly version: number;
}

/** A whole model file. */
export interface ModelProto {
  readonly irVersion: number;
  readonly opsetImports: readonly OperatorSetId[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly domain: string;
  readonly modelVersion: number;
  readonly docString: string;
  readonly graph: GraphProto;
  readonly metadataProps: readonly { readonly key: string; readonly value: string }[];
}

// Field numbers (onnx.proto).
const MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, domain: 4, modelVersion: 5, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14 };
const OPSET = { domain: 1, version: 2 };
const ENTRY = { key: 1, value: 2 };
const GRAPH = { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 };
const ATTR = { name: 1, f: 2, i: 3, s: 4, t: 5, g: 6, floats: 7, ints: 8, strings: 9, type: 20 };
const TENSOR = { dims: 1, dataType: 2, stringData: 6, name: 8, rawData: 9 };
const VALUE_INFO = { name: 1, type: 2, docString: 3 };
const TYPE = { tensorType: 1 };
const TYPE_TENSOR = { elemType: 1, shape: 2 };
const SHAPE = { dim: 1 };
const DIM = { dimValue: 1, dimParam: 2 };

function writeTensor(w: ProtoWriter, t: TensorProto): void {
  w.packedInts(TENSOR.dims, t.dims);
  w.int(TENSOR.dataType, t.dataType);
  for (const s of t.stringData ?? []) w.bytes(TENSOR.stringData, s);
  if (t.name !== '') w.string(TENSOR.name, t.name);
  if (t.rawData !== undefined) w.bytes(TENSOR.rawData, t.rawData);
}

function writeAttribute(w: ProtoWriter, a: AttributeProto): void {
  w.string(ATTR.name, a.name);
  switch (a.type) {
    case AttributeType.FLOAT:
      w.float(ATTR.f, a.f);
      break;
    case AttributeType.INT:
      w.int(ATTR.i, a.i);
      break;
    case AttributeType.STRING:
      w.bytes(ATTR.s, a.s);
      break;
    case AttributeType.TENSOR:
      w.message(ATTR.t, (m) => writeTensor(m, a.t));
      break;
    case AttributeType.GRAPH:
      w.message(ATTR.g, (m) => writeGraph(m, a.g));
      break;
    case AttributeType.FLOATS:
      w.packedFloats(ATTR.floats, a.floats);
      break;
    case AttributeType.INTS:
      w.packedInts(ATTR.ints, a.ints);
      break;
    case AttributeType.STRINGS:
      for (const s of a.strings) w.bytes(ATTR.strings, s);
      break;
  }
  w.int(ATTR.type, a.type);
}

function writeNode(w: ProtoWriter, n: NodeProto): void {
  for (const i of n.inputs) w.string(NODE.input, i);
  for (const o of n.outputs) w.string(NODE.output, o);
  if (n.name !== '') w.string(NODE.name, n.name);
  w.string(NODE.opType, n.opType);
  for (const a of n.attributes) w.message(NODE.attribute, (m) => writeAttribute(m, a));
  if (n.domain !== '') w.string(NODE.domain, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoProto): void {
  w.string(VALUE_INFO.name, v.name);
  w.message(VALUE_INFO.type, (type) =>
    type.message(TYPE.tensorType, (tensor) => {
      tensor.int(TYPE_TENSOR.elemType, v.elemType);
      tensor.message(TYPE_TENSOR.shape, (shape) => {
        for (const d of v.shape) {
          shape.message(SHAPE.dim, (dim) => {
            if (typeof d === 'number') dim.int(DIM.dimValue, d);
            else if (typeof d === 'string') dim.string(DIM.dimParam, d);
          });
        }
      });
    }),
  );
  if (v.docString !== undefined && v.docString !== '') w.string(VALUE_INFO.docString, v.docString);
}

function writeGraph(w: ProtoWriter, g: GraphProto): void {
  for (const n of g.nodes) w.message(GRAPH.node, (m) => writeNode(m, n));
  w.string(GRAPH.name, g.name);
  for (const t of g.initializers) w.message(GRAPH.initializer, (m) => writeTensor(m, t));
  if (g.docString !== undefined && g.docString !== '') w.string(GRAPH.docString, g.docString);
  for (const v of g.inputs) w.message(GRAPH.input, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(GRAPH.output, (m) => writeValueInfo(m, v));
}

/** Serialises a model to the bytes of an `.onnx` file. */
export function encodeModel(model: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  w.int(MODEL.irVersion, model.irVersion);
  if (model.producerName !== '') w.string(MODEL.producerName, model.producerName);
  if (model.producerVersion !== '') w.string(MODEL.producerVersion, model.producerVersion);
  if (model.domain !== '') w.string(MODEL.domain, model.domain);
  w.int(MODEL.modelVersion, model.modelVersion);
  if (model.docString !== '') w.string(MODEL.docString, model.docString);
  w.message(MODEL.graph, (m) => writeGraph(m, model.graph));
  for (const o of model.opsetImports) {
    w.message(MODEL.opsetImport, (m) => {
      if (o.domain !== '') m.string(OPSET.domain, o.domain);
      m.int(OPSET.version, o.version);
    });
  }
  for (const e of model.metadataProps) {
    w.message(MODEL.metadataProps, (m) => {
      m.string(ENTRY.key, e.key);
      m.string(ENTRY.value, e.value);
    });
  }
  return w.finish();
}

/** UTF-8 encodes strings for `stringData` / STRINGS attributes. */
export function encodeStrings(values: readonly string[]): Uint8Array[] {
  return values.map(utf8Bytes);
}
