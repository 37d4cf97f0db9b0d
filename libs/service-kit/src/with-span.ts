import { SpanStatusCode, context, type Attributes, type Context, type Link, type Span, type SpanKind, type Tracer } from '@opentelemetry/api';

export interface WithSpanOptions {
  kind?: SpanKind;
  /** Parent context, e.g. from `extractFromGrpcMetadata`; defaults to the active context. */
  parent?: Context;
  links?: Link[];
}

/**
 * Runs `fn` inside a new active span and ends the span when `fn` settles. A thrown error is
 * recorded as an exception event, sets the status to ERROR with the error's message, and is
 * rethrown. Success leaves the status UNSET (as OpenTelemetry recommends), so `fn` can still mark
 * a handled failure with `span.setStatus` without being overwritten.
 *
 * @example await withSpan(tracer, 'model.infer', { 'ratchet.model': model }, async (span) => infer(input))
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
  { kind, parent = context.active(), links }: WithSpanOptions = {},
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes, ...(kind === undefined ? {} : { kind }), ...(links ? { links } : {}) }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      span.recordException(error instanceof Error ? error : message);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      throw error;
    } finally {
      span.end();
    }
  });
}
