import { randomBytes } from 'node:crypto';
import {
  context,
  propagation,
  trace,
  ROOT_CONTEXT,
  TraceFlags,
  isSpanContextValid,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';
import { Headers } from '@ratchet/contracts';

// W3C Trace Context, section 3.2: version "00", 16-byte trace-id, 8-byte parent-id, 1-byte flags,
// lower-case hex; all-zero ids are invalid.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The parts of a W3C `traceparent` header. */
export interface Traceparent {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
}

/** Parses a `traceparent` header (W3C Trace Context §3.2); undefined when it is not a valid one. */
export function parseTraceparent(value: string | undefined): Traceparent | undefined {
  if (value === undefined) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/** Formats trace and span ids as a `traceparent` header value. */
export function formatTraceparent({ traceId, spanId, sampled }: Traceparent): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * A fresh root `traceparent` for a record produced outside any trace, so every record can
 * still be followed across services. Marked sampled: a record worth tracing later is cheap.
 */
export function generateTraceparent(): string {
  return formatTraceparent({ traceId: nonZeroHex(16), spanId: nonZeroHex(8), sampled: true });
}

/**
 * Trace headers for a record produced now: injected from the active OpenTelemetry context
 * when a span is active (through the registered propagator, or formatted from the span
 * context when no propagator is registered), else a generated root traceparent.
 */
export function traceHeadersFromActiveContext(active: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  if (parseTraceparent(carrier[Headers.traceparent]) !== undefined) return carrier;
  const span = trace.getSpanContext(active);
  if (span !== undefined && isSpanContextValid(span)) {
    const headers: Record<string, string> = {
      [Headers.traceparent]: formatTraceparent({
        traceId: span.traceId,
        spanId: span.spanId,
        sampled: (span.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
      }),
    };
    const state = span.traceState?.serialize();
    if (state) headers[Headers.tracestate] = state;
    return headers;
  }
  return { [Headers.traceparent]: generateTraceparent() };
}

/**
 * The OpenTelemetry context a consumer should run a record's handler in, so spans it starts
 * are children of the producer's span. Uses the registered propagator, falling back to the
 * parsed header when none is registered.
 */
export function contextFromTraceHeaders(headers: Readonly<Record<string, string>>, base: Context = ROOT_CONTEXT): Context {
  const extracted = propagation.extract(base, headers);
  if (trace.getSpanContext(extracted) !== undefined) return extracted;
  const parsed = parseTraceparent(headers[Headers.traceparent]);
  if (parsed === undefined) return base;
  const span: SpanContext = {
    traceId: parsed.traceId,
    spanId: parsed.spanId,
    traceFlags: parsed.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
  return trace.setSpanContext(base, span);
}
