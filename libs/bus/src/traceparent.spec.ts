import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { contextFromTraceHeaders, generateTraceparent, parseTraceparent, traceHeadersFromActiveContext } from './traceparent.js';

describe('traceparent headers', () => {
  it('parses the example from the W3C Trace Context specification', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    });
  });

  it.each([
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
    ['unknown version', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  ])('rejects a header with %s', (_what, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('generates valid, sampled, distinct root traceparents', () => {
    const values = Array.from({ length: 50 }, generateTraceparent);
    expect(values.every((v) => parseTraceparent(v)?.sampled === true)).toBe(true);
    expect(new Set(values).size).toBe(50);
  });

  it('takes the span context of the given context when no propagator is registered', () => {
    const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE };
    const headers = traceHeadersFromActiveContext(trace.setSpanContext(ROOT_CONTEXT, span));
    expect(headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00');
  });

  it('generates a root traceparent when no trace is active', () => {
    expect(parseTraceparent(traceHeadersFromActiveContext(context.active()).traceparent)).toBeDefined();
  });

  it('restores the remote span context from headers for the consumer side', () => {
    const restored = contextFromTraceHeaders({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(trace.getSpanContext(restored)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(trace.getSpanContext(contextFromTraceHeaders({ traceparent: 'garbage' }))).toBeUndefined();
    expect(propagation.fields()).toEqual([]); // no global propagator: the fallback path was used
  });
});
