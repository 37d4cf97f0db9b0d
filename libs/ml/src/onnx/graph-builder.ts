/**
 * A small typed builder for ONNX graphs: declare inputs, constants, nodes and outputs by
 * name, then `toBytes()` for a loadable `.onnx` model.
 *
 *   const g = new OnnxGraphBuilder('demo');
 *   const x = g.addInput('x', DataType.FLOAT, ['N', 1]);
 *   const y = g.op('Mul', [x, g.constant('two', tensor.float32([2], [1]))]);
 *   g.addOutput(y, DataType.FLOAT, ['N', 1]);   // or rename with g.op(..., { outputs: ['y'] })
 *   const bytes = g.toBytes({ producerName: 'ratchet' });
 */
import {
  type AttributeProto,
  AttributeType,
  DataType,
  type Dim,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
  encodeModel,
  encodeStrings,
} from './onnx-proto.js';
import { utf8Bytes } from './protobuf-writer.js';

/** Default ONNX operator-set domain. */
export const ONNX_DOMAIN = '';
/** Classical-ML operator-set domain (LabelEncoder, TreeEnsemble…). */
export const ONNX_ML_DOMAIN = 'ai.onnx.ml';

/** Opsets used unless a model asks for more: ONNX 17 (IR 8) and ai.onnx.ml 3. */
export const DEFAULT_OPSETS: Readonly<Record<string, number>> = { [ONNX_DOMAIN]: 17, [ONNX_ML_DOMAIN]: 3 };
/** IR version matching opset 17 (ONNX 1.12). */
export const DEFAULT_IR_VERSION = 8;

/** A tensor value without a name (the builder names it). */
export type TensorValue = Omit<TensorProto, 'name'>;

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function checkCount(kind: string, n: number, dims: readonly number[]): void {
  if (n !== product(dims)) throw new RangeError(`${kind} tensor has ${n} values for dims [${dims.join(', ')}]`);
}

/** Constructors for tensor constants (little-endian raw data). */
export const tensor = {
  /** FP32 tensor. */
  float32(values: ArrayLike<number>, dims: readonly number[]): TensorValue {
    checkCount('float32', values.length, dims);
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    return { dataType: DataType.FLOAT, dims, rawData: data };
  },
  /** FP64 tensor. */
  float64(values: ArrayLike<number>, dims: readonly number[]): TensorValue {
    checkCount('float64', values.length, dims);
    const data = new Uint8Array(values.length * 8);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i] as number, true);
    return { dataType: DataType.DOUBLE, dims, rawData: data };
  },
  /** INT64 tensor. */
  int64(values: ArrayLike<number | bigint>, dims: readonly number[]): TensorValue {
    checkCount('int64', values.length, dims);
    const data = new Uint8Array(values.length * 8);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i] as number | bigint), true);
    return { dataType: DataType.INT64, dims, rawData: data };
  },
  /** INT32 tensor. */
  int32(values: ArrayLike<number>, dims: readonly number[]): TensorValue {
    checkCount('int32', values.length, dims);
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setInt32(i * 4, values[i] as number, true);
    return { dataType: DataType.INT32, dims, rawData: data };
  },
  /** BOOL tensor (one byte per value). */
  bool(values: ArrayLike<boolean>, dims: readonly number[]): TensorValue {
    checkCount('bool', values.length, dims);
    return { dataType: DataType.BOOL, dims, rawData: Uint8Array.from(Array.from(values, (b) => (b ? 1 : 0))) };
  },
  /** STRING tensor (UTF-8). */
  string(values: readonly string[], dims: readonly number[]): TensorValue {
    checkCount('string', values.length, dims);
    return { dataType: DataType.STRING, dims, stringData: encodeStrings(values) };
  },
};

/** An attribute value, tagged with its ONNX type (a bare number would be ambiguous). */
export type AttributeValue =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number | bigint }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'tensor'; readonly value: TensorValue }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly type: 'strings'; readonly value: readonly string[] };

/** Constructors for attribute values. */
export const attr = {
  float: (value: number): AttributeValue => ({ type: 'float', value }),
  int: (value: number | bigint): AttributeValue => ({ type: 'int', value }),
  string: (value: string): AttributeValue => ({ type: 'string', value }),
  tensor: (value: TensorValue): AttributeValue => ({ type: 'tensor', value }),
  floats: (value: readonly number[]): AttributeValue => ({ type: 'floats', value }),
  ints: (value: readonly (number | bigint)[]): AttributeValue => ({ type: 'ints', value }),
  strings: (value: readonly string[]): AttributeValue => ({ type: 'strings', value }),
};

function toAttributeProto(name: string, a: AttributeValue): AttributeProto {
  switch (a.type) {
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'int':
      return { name, type: AttributeType.INT, i: a.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: utf8Bytes(a.value) };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: { name: '', ...a.value } };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: a.value };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: a.value };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: encodeStrings(a.value) };
  }
}

/** Options for {@link OnnxGraphBuilder.node} and {@link OnnxGraphBuilder.op}. */
export interface NodeOptions {
  /** Operator domain; default `''` (ONNX). */
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  /** Output names; generated from the op type when absent. */
  readonly outputs?: readonly string[];
  /** Number of outputs to generate when `outputs` is absent. Default 1. */
  readonly nOutputs?: number;
  /** Node name; generated when absent. */
  readonly name?: string;
}

/** Model-level fields for {@link OnnxGraphBuilder.toModel}. */
export interface ModelOptions {
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly domain?: string;
  readonly modelVersion?: number;
  readonly docString?: string;
  readonly irVersion?: number;
  /** Stored as `metadata_props` (key/value strings). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Builds one ONNX graph. Every tensor name is unique; generated names never collide. */
export class OnnxGraphBuilder {
  private readonly names = new Set<string>();
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly opsets = new Map<string, number>(Object.entries(DEFAULT_OPSETS));
  private counter = 0;

  constructor(readonly name: string) {}

  /** Claims `name` exactly; throws if any tensor already has it. */
  private claim(name: string): string {
    if (name === '') throw new Error('ONNX tensor names must not be empty');
    if (this.names.has(name)) throw new Error(`ONNX graph '${this.name}' already has a tensor named '${name}'`);
    this.names.add(name);
    return name;
  }

  /** A fresh name starting with `hint`, unique in this graph. */
  uniqueName(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_.:-]/g, '_') || 't';
    let candidate = `${base}_${this.counter++}`;
    while (this.names.has(candidate)) candidate = `${base}_${this.counter++}`;
    return this.claim(candidate);
  }

  /** True if a tensor of this name exists. */
  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Requires at least `version` of an operator-set domain. */
  requireOpset(domain: string, version: number): void {
    this.opsets.set(domain, Math.max(this.opsets.get(domain) ?? 0, version));
  }

  /** Declares a graph input with an exact name. */
  addInput(name: string, elemType: DataType, shape: readonly Dim[], docString?: string): string {
    this.inputs.push({ name: this.claim(name), elemType, shape, ...(docString !== undefined ? { docString } : {}) });
    return name;
  }

  /**
   * The graph input `name` when it is already declared with `elemType`, else declares it. Lets
   * several subgraphs (e.g. the two arms of a gated pair) read the same raw column; throws when
   * the name is taken by a non-input tensor or by an input of another element type.
   */
  useInput(name: string, elemType: DataType, shape: readonly Dim[], docString?: string): string {
    const existing = this.inputs.find((i) => i.name === name);
    if (existing === undefined) return this.addInput(name, elemType, shape, docString);
    if (existing.elemType !== elemType) {
      throw new Error(
        `ONNX graph '${this.name}': input '${name}' is declared with element type ${existing.elemType} and requested with ${elemType}`,
      );
    }
    return name;
  }

  /** Declares an existing tensor as a graph output. */
  addOutput(name: string, elemType: DataType, shape: readonly Dim[], docString?: string): string {
    if (!this.names.has(name)) throw new Error(`ONNX graph '${this.name}' has no tensor '${name}' to output`);
    this.outputs.push({ name, elemType, shape, ...(docString !== undefined ? { docString } : {}) });
    return name;
  }

  /** Adds a constant initializer with an exact name. */
  addInitializer(name: string, value: TensorValue): string {
    this.initializers.push({ name: this.claim(name), ...value });
    return name;
  }

  /** Adds a constant initializer under a generated name. */
  constant(hint: string, value: TensorValue): string {
    const name = this.uniqueName(hint);
    this.initializers.push({ name, ...value });
    return name;
  }

  /** Adds a node; returns its output names. Inputs must already exist (`''` = omitted optional input). */
  node(opType: string, inputs: readonly string[], options: NodeOptions = {}): string[] {
    for (const i of inputs) {
      if (i !== '' && !this.names.has(i)) throw new Error(`ONNX node ${opType}: unknown input tensor '${i}'`);
    }
    const outputs =
      options.outputs !== undefined
        ? options.outputs.map((o) => this.claim(o))
        : Array.from({ length: options.nOutputs ?? 1 }, () => this.uniqueName(opType));
    const domain = options.domain ?? ONNX_DOMAIN;
    if (!this.opsets.has(domain)) throw new Error(`ONNX node ${opType}: domain '${domain}' has no opset; call requireOpset`);
    this.nodes.push({
      inputs,
      outputs,
      name: options.name ?? `${opType}_node_${this.nodes.length}`,
      opType,
      domain,
      attributes: Object.entries(options.attributes ?? {}).map(([k, v]) => toAttributeProto(k, v)),
    });
    return outputs;
  }

  /** Adds a single-output node and returns the output name. */
  op(opType: string, inputs: readonly string[], options: Omit<NodeOptions, 'nOutputs'> = {}): string {
    const [out] = this.node(opType, inputs, options);
    if (out === undefined) throw new Error(`ONNX node ${opType} has no output`);
    return out;
  }

  /** The model message (for inspection or tests). */
  toModel(options: ModelOptions = {}): ModelProto {
    if (this.outputs.length === 0) throw new Error(`ONNX graph '${this.name}' has no outputs`);
    return {
      irVersion: options.irVersion ?? DEFAULT_IR_VERSION,
      opsetImports: [...this.opsets].map(([domain, version]) => ({ domain, version })),
      producerName: options.producerName ?? 'ratchet',
      producerVersion: options.producerVersion ?? '',
      domain: options.domain ?? '',
      modelVersion: options.modelVersion ?? 0,
      docString: options.docString ?? '',
      graph: {
        name: this.name,
        nodes: [...this.nodes],
        initializers: [...this.initializers],
        inputs: [...this.inputs],
        outputs: [...this.outputs],
      },
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
  }

  /** Serialised `.onnx` bytes. */
  toBytes(options: ModelOptions = {}): Uint8Array {
    return encodeModel(this.toModel(options));
  }
}
