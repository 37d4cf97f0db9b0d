import {
  ROOT_CONTEXT,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  context,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';

/** Names of the spans the monitor writes into a request's trace. */
export const MonitorSpanNames = {
  /** A prediction record consumed (a CONSUMER span under the record's `traceparent`). */
  ingest: 'monitor.ingest',
  /** Labelled rows joined with the prediction, under the prediction's ingest span, linked to the label record. */
  join: 'monitor.join',
  /** An alert raised; the alert record carries this span's `traceparent`. */
  alert: 'monitor.alert',
} as const;

/**
 * True when `sc` is a valid span context whose sampled flag is off: the sampler upstream (the
 * router or the prediction server, parent-based) decided against recording this trace.
 */
export function isUnsampled(sc: SpanContext | undefined): boolean {
  return sc !== undefined && isSpanContextValid(sc) && (sc.traceFlags & TraceFlags.SAMPLED) === 0;
}

/** The valid span context active in `ctx`, if any: where a record's trace continues. */
export function traceOf(ctx: Context): SpanContext | undefined {
  const sc = trace.getSpanContext(ctx);
  return sc !== undefined && isSpanContextValid(sc) ? sc : undefined;
}

/** The context to start a child of `sc` in: `sc` as the parent, or the root context without one. */
export function contextOf(sc: SpanContext | undefined): Context {
  return sc === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, sc);
}

/**
 * Starts a span for one record under `parent`, continuing the record's trace. Nothing when the
 * parent's trace is not sampled, or when there is no trace to continue (a record without
 * `traceparent`, a direct call): no span object, no ids, no attributes, so such a record costs
 * the monitor one lookup and a flag test. The span is not made active: the monitor's record
 * handling is synchronous and ends it itself.
 */
export function startRecordSpan(
  tracer: Tracer,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  parent: Context,
  links?: Link[],
): Span | undefined {
  const sc = trace.getSpanContext(parent);
  if (sc === undefined || !isSpanContextValid(sc) || (sc.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return tracer.startSpan(name, links === undefined ? { kind, attributes } : { kind, attributes, links }, parent);
}

/**
 * Starts the span of an alert raised while `active` is the active context. Under a sampled span
 * (the join or drift check that tripped the detector) it is a child, so the request's trace
 * shows the alert; otherwise (the periodic tick, or an unsampled request) it starts a trace of
 * its own, linked to the unsampled span when there is one, so the root sampler decides whether
 * the alert is recorded.
 */
export function startAlertSpan(tracer: Tracer, attributes: Attributes, active: Context = context.active()): Span {
  const parent = trace.getSpanContext(active);
  if (parent !== undefined && isSpanContextValid(parent) && !isUnsampled(parent)) {
    return tracer.startSpan(MonitorSpanNames.alert, { kind: SpanKind.INTERNAL, attributes }, active);
  }
  const links = parent !== undefined && isSpanContextValid(parent) ? [{ context: parent }] : [];
  return tracer.startSpan(MonitorSpanNames.alert, { kind: SpanKind.INTERNAL, attributes, links, root: true }, active);
}

/**
 * Runs `fn` with `span` active under `parent` — or, without a span, with `fallback` (the
 * record's own unsampled span context) active — so records published by `fn` carry that
 * `traceparent`. Without either it runs `fn` as it is.
 */
export function runInSpan<T>(span: Span | undefined, fallback: SpanContext | undefined, fn: () => T): T {
  if (span !== undefined) return context.with(trace.setSpan(context.active(), span), fn);
  if (fallback !== undefined) return context.with(contextOf(fallback), fn);
  return fn();
}

/** Marks `span` failed with `error` (recorded as an exception event). */
export function failSpan(span: Span | undefined, error: unknown): void {
  if (span === undefined) return;
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
