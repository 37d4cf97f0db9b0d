import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpanRecord, type Telemetry, readSpanFile, startTelemetry } from '@ratchet/service-kit';
import type { EmbeddedLoop, LoopSummary } from '../src/loop/embedded-loop.js';
import { findTraces, formatTimeline } from '../src/traces/trace-timeline.js';
import { startTestLoop } from './loop-helpers.js';

// The embedded loop: router and prediction are real gRPC servers on loopback, the prediction
// and route records go over the in-memory bus to the monitor, labels arrive late.
describe('one trace per request: router → prediction → the prediction log → monitor', () => {
  let root: string;
  let telemetry: Telemetry;
  let loop: EmbeddedLoop;
  let summary: LoopSummary;
  let spans: SpanRecord[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-traces-e2e-'));
    // As `ratchet up` does, one process and one span file; the simple processor drops nothing.
    telemetry = startTelemetry({ serviceName: 'ratchet-up', exporter: { kind: 'file', path: join(root, 'traces.jsonl') }, processor: 'simple' });
    // The test loop drifts at row 2,000; the rows after it just add traffic.
    loop = await startTestLoop(root, { rows: 2100, rate: 2000, name: 'traces-e2e' });
    summary = await loop.run();
    await loop.stop();
    await telemetry.forceFlush();
    spans = await readSpanFile(join(root, 'traces.jsonl'));
  }, 120_000);

  afterAll(async () => {
    await loop?.stop();
    await telemetry?.shutdown();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('joins every row, each in the trace of the request it answered', () => {
    expect(summary.joinedRows).toBe(2100);
    const joins = spans.filter((s) => s.name === 'monitor.join');
    expect(joins).toHaveLength(2100);
    const routes = new Map(spans.filter((s) => s.name === 'router.route').map((s) => [s.attributes['ratchet.request_id'], s.traceId]));
    for (const j of joins) expect(routes.get(j.attributes['ratchet.request_id'])).toBe(j.traceId);
  });

  it('follows a request from the router through prediction and the prediction log into the monitor’s join', () => {
    const requestId = String(spans.find((s) => s.name === 'monitor.join')?.attributes['ratchet.request_id']);
    const [traceId] = findTraces(spans, requestId);
    const trace = spans.filter((s) => s.traceId === traceId);
    const one = (name: string, where: (s: SpanRecord) => boolean = () => true) => {
      const found = trace.filter((s) => s.name === name && where(s));
      expect(found, name).toHaveLength(1);
      return found[0] as SpanRecord;
    };
    const route = one('router.route');
    const member = one('router.member');
    const infer = one('ModelInfer');
    // A `single` policy's route record carries no outputs (the member's record has them), so
    // the monitor ingests and joins the prediction server's record.
    const ingest = one('monitor.ingest');
    const joined = one('monitor.join');
    expect(route.parentSpanId).toBeUndefined();
    expect(member.parentSpanId).toBe(route.spanId);
    expect(infer.parentSpanId).toBe(member.spanId);
    // The prediction record crosses the bus with the ModelInfer span as its traceparent.
    expect(ingest.parentSpanId).toBe(infer.spanId);
    expect(ingest.attributes).toMatchObject({ 'ratchet.request_id': requestId, 'ratchet.routed': false, 'ratchet.version': '1.0.0' });
    expect(joined.parentSpanId).toBe(ingest.spanId);
    // Linked to the label record, which the loop published in a trace of its own.
    expect(joined.links).toHaveLength(1);
    expect(joined.links[0]?.traceId).not.toBe(traceId);
    expect(trace.map((s) => s.scope).sort()).toEqual(['ratchet.monitor', 'ratchet.monitor', 'ratchet.prediction', 'ratchet.router', 'ratchet.router']);

    // `ratchet traces --id <request id>` shows it as one indented timeline.
    const timeline = formatTimeline(spans, traceId as string).split('\n');
    expect(timeline[0]).toMatch(new RegExp(`^trace ${traceId} — 5 spans, 3 services`));
    expect(timeline.slice(1, 6).map((l) => /ms {2}( *\w+: [\w.]+)/.exec(l)?.[1])).toEqual([
      'router: router.route',
      '  router: router.member',
      '    prediction: ModelInfer',
      '      monitor: monitor.ingest',
      '        monitor: monitor.join',
    ]);
    expect(timeline[6]?.trim()).toBe(`↳ linked to trace ${joined.links[0]?.traceId} span ${joined.links[0]?.spanId} (not in the files read)`);
    expect(timeline).toHaveLength(7);
  });
});
