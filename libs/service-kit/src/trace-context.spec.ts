import { Metadata } from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useFileTelemetry } from './testing/file-telemetry.js';
import { readSpanFile } from './span-record.js';
import { startTelemetry } from './telemetry.js';
import {
  currentTraceIds,
  currentTraceparent,
  extractFromCarrier,
  extractFromGrpcMetadata,
  extractFromKafkaHeaders,
  injectIntoCarrier,
  injectIntoGrpcMetadata,
  injectIntoKafkaHeaders,
} from './trace-context.js';
import { withSpan } from './with-span.js';

const files = useFileTelemetry('service-kit-trace-context-');
const startFileTelemetry = files.start;

describe('trace-context carriers', () => {
  it('extracts an injected traceparent back into the same trace', async () => {
    const { telemetry: t, path } = startFileTelemetry();
    const carrier = await withSpan(t.tracer, 'client.call', {}, () => injectIntoCarrier({ 'content-type': 'application/json' }));
    expect(carrier['content-type']).toBe('application/json');
    expect(carrier['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const remote = extractFromCarrier(carrier, ROOT_CONTEXT);
    await withSpan(t.tracer, 'server.handle', {}, () => undefined, { parent: remote, kind: SpanKind.SERVER });
    await t.shutdown();

    const [client, server] = await readSpanFile(path);
    expect(server?.traceId).toBe(client?.traceId);
    expect(server?.parentSpanId).toBe(client?.spanId);
    expect(server?.kind).toBe('SERVER');
  });

  it('reads headers regardless of case and from array values', () => {
    files.track(startTelemetry({ serviceName: 'a' }));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(currentTraceparent(extractFromCarrier({ TraceParent: traceparent }, ROOT_CONTEXT))).toBe(traceparent);
    expect(currentTraceparent(extractFromCarrier({ traceparent: [traceparent] }, ROOT_CONTEXT))).toBe(traceparent);
  });

  it('round-trips through gRPC metadata', () => {
    files.track(startTelemetry({ serviceName: 'a' }));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const outgoing = injectIntoGrpcMetadata(new Metadata(), extractFromCarrier({ traceparent }, ROOT_CONTEXT));
    expect(outgoing.get('traceparent')).toEqual([traceparent]);
    expect(currentTraceparent(extractFromGrpcMetadata(outgoing, ROOT_CONTEXT))).toBe(traceparent);
  });

  it('round-trips through Kafka headers, including Buffer values from a consumer', () => {
    files.track(startTelemetry({ serviceName: 'a' }));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
    const headers = injectIntoKafkaHeaders({ 'ratchet-model': 'churn' }, extractFromCarrier({ traceparent }, ROOT_CONTEXT));
    expect(headers['traceparent']).toBe(traceparent);
    const consumed = { traceparent: Buffer.from(traceparent), other: undefined };
    expect(currentTraceparent(extractFromKafkaHeaders(consumed, ROOT_CONTEXT))).toBe(traceparent);
    expect(extractFromKafkaHeaders(undefined, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
  });

  it('reports no traceparent outside a span', () => {
    expect(currentTraceparent(ROOT_CONTEXT)).toBeUndefined();
    expect(currentTraceIds(context.active())).toBeUndefined();
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
