import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useFileTelemetry } from './testing/file-telemetry.js';
import { readSpanFile } from './span-record.js';
import { startTelemetry, TelemetryError } from './telemetry.js';
import { currentTraceparent } from './trace-context.js';
import { withSpan } from './with-span.js';

const files = useFileTelemetry('service-kit-telemetry-', join('traces', 'spans.jsonl'));
const startFileTelemetry = files.start;

describe('startTelemetry with the file exporter', () => {
  it('writes finished spans as JSON lines that round-trip parent and child ids and attributes', async () => {
    const { telemetry: t, path } = startFileTelemetry();
    await withSpan(t.tracer, 'infer', { 'ratchet.model': 'churn', 'ratchet.batch': 4 }, async (parent) => {
      parent.addEvent('batch.flushed', { size: 4 });
      await withSpan(t.tracer, 'onnx.run', { 'ratchet.version': '1.2.0' }, () => Promise.resolve(), { kind: SpanKind.INTERNAL });
    });
    await t.shutdown();

    const spans = await readSpanFile(path);
    expect(spans.map((s) => s.name)).toEqual(['onnx.run', 'infer']);
    const [child, parent] = spans as [(typeof spans)[0], (typeof spans)[0]];
    expect(child.traceId).toBe(parent.traceId);
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(parent.parentSpanId).toBeUndefined();
    expect(parent.attributes).toEqual({ 'ratchet.model': 'churn', 'ratchet.batch': 4 });
    expect(child.attributes).toEqual({ 'ratchet.version': '1.2.0' });
    expect(parent.events).toMatchObject([{ name: 'batch.flushed', attributes: { size: 4 } }]);
    expect(parent.service).toBe('prediction');
    expect(parent.kind).toBe('INTERNAL');
    expect(parent.status.code).toBe('UNSET');
    expect(BigInt(parent.endTimeUnixNano) >= BigInt(parent.startTimeUnixNano)).toBe(true);
    expect(parent.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('appends to an existing file across restarts', async () => {
    const path = join(files.dir, 'spans.jsonl');
    const first = startFileTelemetry(path).telemetry;
    await withSpan(first.tracer, 'first', {}, () => undefined);
    await first.shutdown();
    const second = startFileTelemetry(path).telemetry;
    await withSpan(second.tracer, 'second', {}, () => undefined);
    await second.shutdown();
    expect((await readSpanFile(path)).map((s) => s.name)).toEqual(['first', 'second']);
  });
});

describe('startTelemetry', () => {
  it('refuses to start twice in one process', () => {
    files.track(startTelemetry({ serviceName: 'a' }));
    expect(() => startTelemetry({ serviceName: 'b' })).toThrow(TelemetryError);
  });

  it('can start again after shutdown, and shutdown is idempotent', async () => {
    const first = startTelemetry({ serviceName: 'a' });
    const stopping = first.shutdown();
    expect(first.shutdown()).toBe(stopping);
    await stopping;
    const telemetry = files.track(startTelemetry({ serviceName: 'b' }));
    expect(telemetry.tracer).toBeDefined();
  });

  it('sends spans to an OTLP/HTTP endpoint', async () => {
    const received: { url: string | undefined; body: string }[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ url: req.url, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    try {
      const { port } = collector.address() as AddressInfo;
      const telemetry = files.track(startTelemetry({ serviceName: 'router', exporter: { kind: 'otlp', url: `http://127.0.0.1:${port}/v1/traces` } }));
      await withSpan(telemetry.tracer, 'route.decide', { 'ratchet.policy': 'canary' }, () => undefined);
      await telemetry.forceFlush();
      expect(received).toHaveLength(1);
      expect(received[0]?.url).toBe('/v1/traces');
      expect(received[0]?.body).toContain('route.decide');
      expect(received[0]?.body).toContain('router');
    } finally {
      await files.stop();
      collector.close();
    }
  });

  it('rejects an otlp url that is not absolute', () => {
    expect(() => startTelemetry({ serviceName: 'a', exporter: { kind: 'otlp', url: 'collector:4318' } })).toThrow(/must be an absolute http\(s\) URL/);
  });

  it('still creates and propagates trace ids with the none exporter', async () => {
    const telemetry = files.track(startTelemetry({ serviceName: 'a', exporter: { kind: 'none' } }));
    const traceparent = await withSpan(telemetry.tracer, 'x', {}, () => currentTraceparent());
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});

