import { type ChannelOptions, Metadata, type ServiceError, credentials } from '@grpc/grpc-js';
import { GRPCInferenceServiceClient, type oip } from '@ratchet/contracts';
import { type ColumnInput, type OutputValue, decodeOutputs, encodeRawColumn, encodeTypedColumn } from './tensors.js';

/** One inference call. */
export interface InferCall {
  readonly model: string;
  /** Empty or absent: the version the server serves by default. */
  readonly version?: string;
  readonly id?: string;
  readonly inputs: readonly ColumnInput[];
  /** Send tensors as `raw_input_contents` (default, as Triton clients do) or as typed contents. */
  readonly encoding?: 'raw' | 'typed';
  /** Only these outputs. */
  readonly outputs?: readonly string[];
  /** Request parameters, e.g. `{ user_id: 'u-42' }` for sticky routing. */
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
  /** Extra gRPC metadata, e.g. `traceparent`. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly deadlineMs?: number;
}

/** The answer to an inference call. */
export interface InferResult {
  readonly model: string;
  readonly version: string;
  readonly id: string;
  readonly outputs: readonly OutputValue[];
  /** The output with this name; throws when there is none. */
  output(name: string): OutputValue;
}

export interface InferenceClientOptions {
  /** Default deadline per call. */
  readonly deadlineMs?: number;
  readonly channelOptions?: ChannelOptions;
}

function toParameter(v: string | number | boolean): oip.InferParameter {
  const p: oip.InferParameter = {
    boolParam: undefined,
    int64Param: undefined,
    stringParam: undefined,
    doubleParam: undefined,
    uint64Param: undefined,
  };
  if (typeof v === 'boolean') p.boolParam = v;
  else if (typeof v === 'number') {
    if (Number.isInteger(v)) p.int64Param = v;
    else p.doubleParam = v;
  } else p.stringParam = v;
  return p;
}

/** Builds the ModelInferRequest of a call. */
export function buildInferRequest(call: InferCall): oip.ModelInferRequest {
  const raw = (call.encoding ?? 'raw') === 'raw';
  return {
    modelName: call.model,
    modelVersion: call.version ?? '',
    id: call.id ?? '',
    parameters: Object.fromEntries(Object.entries(call.parameters ?? {}).map(([k, v]) => [k, toParameter(v)])),
    inputs: call.inputs.map((c) => ({
      name: c.name,
      datatype: c.datatype,
      shape: [...(c.shape ?? [c.values.length, 1])],
      parameters: {},
      contents: raw ? undefined : encodeTypedColumn(c),
    })),
    outputs: (call.outputs ?? []).map((name) => ({ name, parameters: {} })),
    rawInputContents: raw ? call.inputs.map(encodeRawColumn) : [],
  };
}

/**
 * A typed Open Inference Protocol client over gRPC, for Ratchet's prediction service, its router,
 * or any other OIP server (Triton, MLServer, KServe).
 */
export class InferenceClient {
  private readonly client: InstanceType<typeof GRPCInferenceServiceClient>;
  private readonly deadlineMs: number;

  constructor(
    readonly address: string,
    options: InferenceClientOptions = {},
  ) {
    this.client = new GRPCInferenceServiceClient(address, credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 256 * 1024 * 1024,
      ...options.channelOptions,
    });
    this.deadlineMs = options.deadlineMs ?? 10_000;
  }

  /** Sends one ModelInfer request and decodes the outputs. */
  async infer(call: InferCall): Promise<InferResult> {
    const res = await this.inferRaw(buildInferRequest(call), call.metadata, call.deadlineMs);
    const outputs = decodeOutputs(res);
    return {
      model: res.modelName,
      version: res.modelVersion,
      id: res.id,
      outputs,
      output(name) {
        const o = outputs.find((x) => x.name === name);
        if (!o) throw new Error(`response has no output '${name}' (has ${outputs.map((x) => x.name).join(', ')})`);
        return o;
      },
    };
  }

  /** Sends a prepared ModelInferRequest as it is. */
  inferRaw(
    req: oip.ModelInferRequest,
    metadata?: Readonly<Record<string, string>>,
    deadlineMs?: number,
  ): Promise<oip.ModelInferResponse> {
    const md = new Metadata();
    for (const [k, v] of Object.entries(metadata ?? {})) md.set(k, v);
    return new Promise((resolve, reject) => {
      this.client.modelInfer(req, md, { deadline: Date.now() + (deadlineMs ?? this.deadlineMs) }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
    });
  }

  modelMetadata(name: string, version = ''): Promise<oip.ModelMetadataResponse> {
    return this.unary((cb) => this.client.modelMetadata({ name, version }, new Metadata(), this.options(), cb));
  }

  modelReady(name: string, version = ''): Promise<boolean> {
    return this.unary<oip.ModelReadyResponse>((cb) => this.client.modelReady({ name, version }, new Metadata(), this.options(), cb)).then(
      (r) => r.ready,
    );
  }

  serverLive(): Promise<boolean> {
    return this.unary<oip.ServerLiveResponse>((cb) => this.client.serverLive({}, new Metadata(), this.options(), cb)).then((r) => r.live);
  }

  serverReady(): Promise<boolean> {
    return this.unary<oip.ServerReadyResponse>((cb) => this.client.serverReady({}, new Metadata(), this.options(), cb)).then((r) => r.ready);
  }

  serverMetadata(): Promise<oip.ServerMetadataResponse> {
    return this.unary((cb) => this.client.serverMetadata({}, new Metadata(), this.options(), cb));
  }

  close(): void {
    this.client.close();
  }

  private options() {
    return { deadline: Date.now() + this.deadlineMs };
  }

  private unary<T>(start: (cb: (err: ServiceError | null, res: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => start((err, res) => (err ? reject(err) : resolve(res))));
  }
}

/**
 * Turns row objects into one `[N,1]` column per model input, using the datatypes from
 * ModelMetadata. Missing numeric values become NaN; missing strings become ''.
 */
export function columnsFromRows(
  rows: readonly Readonly<Record<string, unknown>>[],
  inputs: readonly { name: string; datatype: string }[],
): ColumnInput[] {
  return inputs.map((spec) => {
    const values = rows.map((r) => r[spec.name]);
    if (spec.datatype === 'BYTES') {
      return { name: spec.name, datatype: 'BYTES', values: values.map((v) => (v === undefined || v === null ? '' : String(v))) };
    }
    const nums = values.map((v) => (v === undefined || v === null || v === '' || v === '?' ? Number.NaN : Number(v)));
    const datatype = (['FP32', 'FP64', 'INT32', 'INT64', 'BOOL'] as const).find((d) => d === spec.datatype);
    if (!datatype) throw new Error(`input '${spec.name}' has datatype ${spec.datatype}, which rows cannot fill`);
    return { name: spec.name, datatype, values: nums };
  });
}
