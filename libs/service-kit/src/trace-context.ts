import { context, isSpanContextValid, propagation, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';

/**
 * Helpers that move the W3C `traceparent` (and `tracestate`) between the active context and the
 * carriers Ratchet uses: plain string maps (HTTP headers), gRPC metadata and Kafka headers. They
 * go through the global propagator registered by `startTelemetry`; before it starts they are no-ops.
 */

/** A plain string map such as Node's incoming HTTP headers. */
export type StringCarrier = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Kafka record headers as kafkajs types them. */
export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

function lookup<V>(carrier: Readonly<Record<string, V>>, key: string): V | undefined {
  if (Object.hasOwn(carrier, key)) return carrier[key];
  // Header names are case-insensitive; senders other than Node may not lower-case them.
  const lower = key.toLowerCase();
  for (const candidate of Object.keys(carrier)) {
    if (candidate.toLowerCase() === lower) return carrier[candidate];
  }
  return undefined;
}

const stringGetter: TextMapGetter<StringCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = lookup(carrier, key);
    return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
  },
};

function decode(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : typeof first === 'string' ? first : first.toString('utf8');
}

const kafkaGetter: TextMapGetter<Readonly<KafkaHeaders>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => decode(lookup(carrier, key)),
};

const grpcGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key);
    const first = values[0];
    return first === undefined ? undefined : typeof first === 'string' ? first : first.toString('utf8');
  },
};

/**
 * Writes the trace context of `ctx` (default: the active one) into `carrier` and returns it.
 * @example fetch(url, { headers: injectIntoCarrier({ 'content-type': 'application/json' }) })
 */
export function injectIntoCarrier(carrier: Record<string, string> = {}, ctx: Context = context.active()): Record<string, string> {
  propagation.inject(ctx, carrier, { set: (c, key, value) => (c[key] = value) });
  return carrier;
}

/** Returns `base` (default: the active context) with the remote span context read from `carrier`, if any. */
export function extractFromCarrier(carrier: StringCarrier, base: Context = context.active()): Context {
  return propagation.extract(base, carrier, stringGetter);
}

/** Writes the trace context into outgoing gRPC metadata and returns it. */
export function injectIntoGrpcMetadata(metadata: Metadata, ctx: Context = context.active()): Metadata {
  propagation.inject(ctx, metadata, { set: (m, key, value) => m.set(key, value) });
  return metadata;
}

/** Reads `traceparent` from incoming gRPC metadata (`call.metadata`) into a context to run the handler in. */
export function extractFromGrpcMetadata(metadata: Metadata, base: Context = context.active()): Context {
  return propagation.extract(base, metadata, grpcGetter);
}

/** Writes the trace context into Kafka record headers (as strings) and returns them. */
export function injectIntoKafkaHeaders(headers: KafkaHeaders = {}, ctx: Context = context.active()): KafkaHeaders {
  propagation.inject(ctx, headers, { set: (h, key, value) => (h[key] = value) });
  return headers;
}

/** Reads the trace context from a consumed Kafka record's headers (Buffer or string values). */
export function extractFromKafkaHeaders(headers: Readonly<KafkaHeaders> | undefined, base: Context = context.active()): Context {
  return headers === undefined ? base : propagation.extract(base, headers, kafkaGetter);
}

/**
 * The `traceparent` header value for the span active in `ctx`, e.g.
 * `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01` (W3C Trace Context §3.2),
 * or `undefined` when there is no valid span. Built directly, so it works before telemetry starts.
 */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The trace and span ids active in `ctx`, for log lines; `undefined` outside any span. */
export function currentTraceIds(ctx: Context = context.active()): { traceId: string; spanId: string } | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
