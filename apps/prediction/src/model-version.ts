import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { ModelManifest } from '@ratchet/contracts';
import { type OipDatatype, isOipDatatype, oipFromOrt } from './datatypes.js';
import { invalidArgument } from './errors.js';
import type { DecodedTensor, TensorData } from './tensor-codec.js';

/** One input or output of a model version's signature; -1 marks a free dimension. */
export interface TensorSignature {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
  /** Inputs only: NaN is accepted (a missing value the graph imputes). */
  readonly allowNan: boolean;
}

/** A computed output tensor. */
export interface OutputTensor {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** Tunables for the ORT session. */
export interface SessionTuning {
  /** Threads inside one operator; 1 suits the small tabular graphs Ratchet serves. */
  readonly intraOpThreads?: number;
}

/** Why a model version was refused at load time. */
export class ModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

function signatureFromSession(
  metas: readonly InferenceSession.ValueMetadata[],
  declared: readonly { name: string; datatype: string; shape: number[]; allowNan: boolean }[],
  what: 'input' | 'output',
  label: string,
): TensorSignature[] {
  return metas.map((m) => {
    if (!m.isTensor) throw new ModelLoadError(`${label}: ${what} '${m.name}' is not a tensor (maps and sequences are not served)`);
    const datatype = oipFromOrt(m.type);
    if (!datatype) throw new ModelLoadError(`${label}: ${what} '${m.name}' has type ${m.type}, which OIP cannot carry`);
    const shape = m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
    const decl = declared.find((d) => d.name === m.name);
    if (decl && isOipDatatype(decl.datatype) && decl.datatype !== datatype) {
      throw new ModelLoadError(
        `${label}: manifest says ${what} '${m.name}' is ${decl.datatype} but the graph says ${datatype}`,
      );
    }
    return { name: m.name, datatype, shape, allowNan: decl?.allowNan ?? false };
  });
}

function makeOrtTensor(datatype: OipDatatype, data: TensorData, shape: readonly number[]): OrtTensor {
  if (datatype === 'BOOL') return new OrtTensor('bool', data as Uint8Array, shape);
  if (datatype === 'FP16') return new OrtTensor('float16', data as Uint16Array, shape);
  return new OrtTensor(data as Float32Array, shape);
}

function zeroData(datatype: OipDatatype, n: number): TensorData {
  switch (datatype) {
    case 'BYTES':
      return new Array<string>(n).fill('');
    case 'FP32':
      return new Float32Array(n);
    case 'FP64':
      return new Float64Array(n);
    case 'INT64':
      return new BigInt64Array(n);
    case 'UINT64':
      return new BigUint64Array(n);
    case 'INT32':
      return new Int32Array(n);
    case 'INT16':
      return new Int16Array(n);
    case 'INT8':
      return new Int8Array(n);
    case 'UINT32':
      return new Uint32Array(n);
    case 'UINT16':
    case 'FP16':
      return new Uint16Array(n);
    case 'UINT8':
    case 'BOOL':
      return new Uint8Array(n);
  }
}

/**
 * One loaded, verified model version: an onnxruntime session, its signature and a reference
 * count of the requests using it, so a replaced version is disposed only once they finish.
 */
export class ModelVersion {
  private inflight = 0;
  private retired = false;
  private disposed = false;

  private constructor(
    readonly model: string,
    readonly version: string,
    readonly sha256: string,
    private readonly session: InferenceSession,
    readonly inputs: readonly TensorSignature[],
    readonly outputs: readonly TensorSignature[],
    /** Outputs are batch-major, so requests can be merged into one run and split back. */
    readonly batchable: boolean,
    readonly manifest: ModelManifest | undefined,
  ) {}

  /**
   * Loads and verifies a version: ORT must load the graph, every input and output must be a
   * tensor OIP can carry, and a smoke inference on two placeholder rows must succeed with
   * finite probabilities. Any failure throws a {@link ModelLoadError} saying which check failed.
   */
  static async load(args: {
    model: string;
    version: string;
    sha256: string;
    bytes: Uint8Array;
    manifest?: ModelManifest;
    tuning?: SessionTuning;
  }): Promise<ModelVersion> {
    const label = `${args.model}@${args.version}`;
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(args.bytes, {
        intraOpNumThreads: args.tuning?.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new ModelLoadError(`${label}: onnxruntime refused the graph: ${errorText(err)}`, { cause: err });
    }
    try {
      const inputs = signatureFromSession(session.inputMetadata, args.manifest?.inputs ?? [], 'input', label);
      const outputs = signatureFromSession(session.outputMetadata, args.manifest?.outputs ?? [], 'output', label);
      if (inputs.length === 0) throw new ModelLoadError(`${label}: the graph has no inputs`);
      const smokeRows = 2;
      const feeds: Record<string, OrtTensor> = {};
      for (const s of inputs) {
        const shape = s.shape.length === 0 ? [smokeRows] : s.shape.map((d, i) => (i === 0 ? smokeRows : d < 0 ? 1 : d));
        const n = shape.reduce((a, b) => a * b, 1);
        feeds[s.name] = makeOrtTensor(s.datatype, zeroData(s.datatype, n), shape);
      }
      let result: InferenceSession.OnnxValueMapType;
      try {
        result = await session.run(feeds);
      } catch (err) {
        throw new ModelLoadError(`${label}: smoke inference failed: ${errorText(err)}`, { cause: err });
      }
      let batchable = true;
      for (const o of outputs) {
        const t = result[o.name];
        if (!t) throw new ModelLoadError(`${label}: smoke inference did not produce output '${o.name}'`);
        if (t.dims[0] !== smokeRows) batchable = false;
        if (o.datatype === 'FP32' || o.datatype === 'FP64') {
          const d = t.data as Float32Array;
          for (let i = 0; i < d.length; i++) {
            if (!Number.isFinite(d[i])) {
              throw new ModelLoadError(`${label}: smoke inference gave a non-finite value in output '${o.name}'`);
            }
          }
        }
      }
      return new ModelVersion(args.model, args.version, args.sha256, session, inputs, outputs, batchable, args.manifest);
    } catch (err) {
      await session.release().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Checks decoded request inputs against the signature (names, datatypes, ranks, fixed
   * dimensions, agreeing batch sizes, NaN policy) and returns them in signature order with the
   * number of rows.
   */
  validate(decoded: readonly DecodedTensor[]): { rows: number; ordered: DecodedTensor[] } {
    const label = `${this.model}@${this.version}`;
    const byName = new Map(decoded.map((t) => [t.name, t]));
    const ordered: DecodedTensor[] = [];
    let rows = -1;
    for (const spec of this.inputs) {
      const t = byName.get(spec.name);
      if (!t) {
        throw invalidArgument(
          `${label}: missing input '${spec.name}' (expected ${this.inputs.map((i) => i.name).join(', ')})`,
        );
      }
      if (t.datatype !== spec.datatype) {
        throw invalidArgument(`${label}: input '${spec.name}' must be ${spec.datatype}, got ${t.datatype}`);
      }
      if (spec.shape.length > 0) {
        if (t.shape.length !== spec.shape.length) {
          throw invalidArgument(
            `${label}: input '${spec.name}' must have shape [${spec.shape.join(',')}], got [${t.shape.join(',')}]`,
          );
        }
        spec.shape.forEach((d, i) => {
          if (i > 0 && d >= 0 && t.shape[i] !== d) {
            throw invalidArgument(
              `${label}: input '${spec.name}' must have shape [${spec.shape.join(',')}], got [${t.shape.join(',')}]`,
            );
          }
        });
      }
      const r = t.shape[0] ?? 1;
      if (rows === -1) rows = r;
      else if (r !== rows) {
        throw invalidArgument(`${label}: inputs disagree on the batch size (${rows} rows and ${r} rows in '${t.name}')`);
      }
      if (t.datatype === 'FP32' || t.datatype === 'FP64') checkFinite(label, spec, t.data as Float32Array);
      ordered.push(t);
    }
    if (decoded.length > this.inputs.length) {
      const extra = decoded.filter((t) => !this.inputs.some((s) => s.name === t.name)).map((t) => `'${t.name}'`);
      throw invalidArgument(`${label}: unknown input ${extra.join(', ')} (expected ${this.inputs.map((i) => i.name).join(', ')})`);
    }
    return { rows: Math.max(rows, 0), ordered };
  }

  /** Runs the graph on inputs in signature order. */
  async run(inputs: readonly { data: TensorData; shape: readonly number[] }[]): Promise<OutputTensor[]> {
    const feeds: Record<string, OrtTensor> = {};
    this.inputs.forEach((spec, i) => {
      const t = inputs[i] as { data: TensorData; shape: readonly number[] };
      feeds[spec.name] = makeOrtTensor(spec.datatype, t.data, t.shape);
    });
    const result = await this.session.run(feeds);
    return this.outputs.map((o) => {
      const t = result[o.name] as OrtTensor;
      return { name: o.name, datatype: o.datatype, shape: t.dims, data: t.data as TensorData };
    });
  }

  /** Marks the start of a request on this version. */
  acquire(): void {
    this.inflight++;
  }

  /** Marks the end of a request; a retired version is released after its last request. */
  release(): void {
    this.inflight--;
    if (this.retired && this.inflight === 0) void this.dispose();
  }

  get inflightRequests(): number {
    return this.inflight;
  }

  /** No new requests will come; free the session once the in-flight ones finish. */
  retire(): void {
    this.retired = true;
    if (this.inflight === 0) void this.dispose();
  }

  private async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release().catch(() => undefined);
  }
}

function checkFinite(label: string, spec: TensorSignature, data: Float32Array | Float64Array): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) {
      if (Number.isNaN(v) && spec.allowNan) continue;
      throw invalidArgument(
        Number.isNaN(v)
          ? `${label}: input '${spec.name}' has NaN at element ${i}; this input does not accept missing values`
          : `${label}: input '${spec.name}' has ${v} at element ${i}; values must be finite`,
      );
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
