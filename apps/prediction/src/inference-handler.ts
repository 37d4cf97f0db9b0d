import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { type Span, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { oip } from '@ratchet/contracts';
import { InferenceError, invalidArgument, statusName } from './errors.js';
import type { ModelHost } from './model-host.js';
import type { OutputTensor } from './model-version.js';
import type { PredictionMetrics } from './prediction-metrics.js';
import { type PredictionSink, predictionRecord } from './prediction-record.js';
import { type DecodedTensor, decodeRequestInputs, encodeContents, encodeRaw, tensorByteSize } from './tensor-codec.js';

export interface InferenceHandlerOptions {
  readonly host: ModelHost;
  readonly sink?: PredictionSink;
  readonly metrics?: PredictionMetrics;
  /** Largest decoded request, in bytes; larger ones get INVALID_ARGUMENT. */
  readonly maxRequestBytes: number;
  readonly serverId: string;
}

const tracer = trace.getTracer('ratchet.prediction');

/**
 * Serves ModelInfer: decode, validate against the model's signature, run through the dynamic
 * batcher, encode the response the way the request was encoded (raw or typed), then hand the
 * prediction record to the sink without waiting for it.
 */
export class InferenceHandler {
  constructor(private readonly o: InferenceHandlerOptions) {}

  /** Handles one request inside a span; `span` parents come from the caller's context. */
  async infer(req: oip.ModelInferRequest): Promise<oip.ModelInferResponse> {
    return tracer.startActiveSpan('ModelInfer', { attributes: { 'ratchet.model': req.modelName } }, async (span) => {
      try {
        return await this.inferInSpan(req, span);
      } finally {
        span.end();
      }
    });
  }

  private async inferInSpan(req: oip.ModelInferRequest, span: Span): Promise<oip.ModelInferResponse> {
    const t0 = performance.now();
    const m = this.o.metrics;
    let modelLabel = '(unknown)';
    let versionLabel = '';
    try {
      if (!req.modelName) throw invalidArgument('model_name is required');
      const entry = await this.o.host.resolve(req.modelName, req.modelVersion);
      const mv = entry.version;
      modelLabel = mv.model;
      versionLabel = mv.version;
      span.setAttribute('ratchet.version', mv.version);
      mv.acquire();
      try {
        const { inputs, encoding } = decodeRequestInputs(req);
        let bytes = 0;
        for (const t of inputs) bytes += tensorByteSize(t);
        if (bytes > this.o.maxRequestBytes) {
          throw invalidArgument(
            `request holds ${bytes} bytes of tensors, over the limit of ${this.o.maxRequestBytes} bytes; split it`,
          );
        }
        const { rows, ordered } = mv.validate(inputs);
        span.setAttribute('ratchet.rows', rows);
        let outputs = await entry.batcher.submit(ordered, rows);
        if (req.outputs.length > 0) outputs = selectOutputs(outputs, req.outputs, `${mv.model}@${mv.version}`);
        const requestId = req.id || randomUUID();
        const res = buildResponse(mv.model, mv.version, requestId, outputs, encoding);
        const latencyMs = performance.now() - t0;
        m?.requests.inc({ model: modelLabel, version: versionLabel, code: 'OK' });
        m?.latency.observe({ model: modelLabel, version: versionLabel }, latencyMs / 1000);
        this.log(requestId, mv.model, mv.version, rows, ordered, outputs, latencyMs, span);
        return res;
      } finally {
        mv.release();
      }
    } catch (err) {
      const e =
        err instanceof InferenceError
          ? err
          : new InferenceError(GrpcStatus.INTERNAL, `inference failed: ${err instanceof Error ? err.message : String(err)}`);
      const code = statusName(e.code);
      m?.requests.inc({ model: modelLabel, version: versionLabel, code });
      m?.errors.inc({ model: modelLabel, version: versionLabel, code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      throw e;
    }
  }

  private log(
    requestId: string,
    model: string,
    version: string,
    rows: number,
    inputs: readonly DecodedTensor[],
    outputs: readonly OutputTensor[],
    latencyMs: number,
    span: Span,
  ): void {
    const sink = this.o.sink;
    if (!sink) return;
    const traceId = span.spanContext().traceId;
    const record = predictionRecord({
      requestId,
      model,
      version,
      rows,
      inputs,
      outputs,
      latencyMs,
      timestampMs: Date.now(),
      traceId: /^0+$/.test(traceId) ? '' : traceId,
      serverId: this.o.serverId,
    });
    // The sink reads the active context for the record's traceparent header.
    context.with(trace.setSpan(context.active(), span), () => sink.offer(record));
  }
}

function selectOutputs(
  outputs: OutputTensor[],
  wanted: readonly oip.ModelInferRequest_InferRequestedOutputTensor[],
  label: string,
): OutputTensor[] {
  return wanted.map((w) => {
    const o = outputs.find((x) => x.name === w.name);
    if (!o) {
      throw invalidArgument(`${label}: unknown output '${w.name}' (has ${outputs.map((x) => x.name).join(', ')})`);
    }
    return o;
  });
}

function buildResponse(
  model: string,
  version: string,
  id: string,
  outputs: readonly OutputTensor[],
  encoding: 'raw' | 'typed',
): oip.ModelInferResponse {
  return {
    modelName: model,
    modelVersion: version,
    id,
    parameters: {},
    outputs: outputs.map((o) => ({
      name: o.name,
      datatype: o.datatype,
      shape: [...o.shape],
      parameters: {},
      contents: encoding === 'typed' ? encodeContents(o.datatype, o.data) : undefined,
    })),
    rawOutputContents: encoding === 'raw' ? outputs.map((o) => encodeRaw(o.data)) : [],
  };
}
