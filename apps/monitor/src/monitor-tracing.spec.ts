import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, type SpanContext, TraceFlags, context, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '@ratchet/contracts';
import { type SpanRecord, type Telemetry, currentTraceparent, readSpanFile, startTelemetry } from '@ratchet/service-kit';
import { AlertConfig } from './alerts/alert-config.js';
import { Monitor } from './monitor.js';
import { MonitorSpanNames } from './monitor-tracing.js';
import { syntheticTraffic } from './testing/synthetic-traffic.js';

/** The element at `i`, or a test failure naming what is missing. */
function at<T>(list: readonly T[], i: number): T {
  const x = list[i];
  if (x === undefined) throw new Error(`no element ${i} in a list of ${list.length}`);
  return x;
}

const quiet = { conceptDrift: { enabled: false }, newData: { enabled: false }, priorShift: { enabled: false }, dataDrift: { enabled: false } };

/** A remote span context as the bus hands a record's `traceparent` to its handler. */
function remote(traceId: string, spanId: string, sampled = true): SpanContext {
  return { traceId, spanId, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true };
}

const inTrace = <T>(sc: SpanContext, fn: () => T): T => context.with(trace.setSpanContext(ROOT_CONTEXT, sc), fn);

const PREDICTION = remote('11111111111111111111111111111111', '1111111111111111');
const LABEL = remote('22222222222222222222222222222222', '2222222222222222');

describe('the monitor’s spans', () => {
  let dir: string;
  let telemetry: Telemetry;
  let path: string;
  // What the bus would publish: each output with the traceparent active when it was offered.
  let published: { what: string; traceparent: string | undefined; alert?: Alert }[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-monitor-tracing-'));
    path = join(dir, 'spans.jsonl');
    telemetry = startTelemetry({ serviceName: 'monitor', exporter: { kind: 'file', path }, processor: 'simple' });
    published = [];
  });
  afterEach(async () => {
    await telemetry.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  const monitorWith = (alerts: Record<string, unknown> = quiet) =>
    new Monitor(
      {
        labeled: () => void published.push({ what: 'labeled', traceparent: currentTraceparent() }),
        metrics: () => undefined,
        alert: (alert) => void published.push({ what: 'alert', traceparent: currentTraceparent(), alert }),
      },
      async () => undefined,
      { alerts: AlertConfig.parse({ defaults: alerts }) },
    );
  const spans = async (): Promise<SpanRecord[]> => {
    await telemetry.forceFlush();
    return readSpanFile(path).catch(() => []);
  };
  const named = (all: SpanRecord[], name: string) => all.filter((s) => s.name === name);
  const traceparentOf = (s: SpanRecord | undefined) => `00-${s?.traceId}-${s?.spanId}-01`;

  for (const order of ['the prediction first', 'the label first'] as const) {
    it(`continues the prediction's trace with an ingest span and a join span linked to the label record, ${order}`, async () => {
      const monitor = monitorWith();
      const t = syntheticTraffic({ requests: 1, seed: 1 });
      const predict = () => inTrace(PREDICTION, () => monitor.onPrediction(at(t.predictions, 0)));
      const label = () => inTrace(LABEL, () => monitor.onLabel(at(t.labels, 0)));
      for (const step of order === 'the prediction first' ? [predict, label] : [label, predict]) step();

      const all = await spans();
      const [ingest] = named(all, MonitorSpanNames.ingest);
      const [joined] = named(all, MonitorSpanNames.join);
      expect(ingest).toMatchObject({ traceId: PREDICTION.traceId, parentSpanId: PREDICTION.spanId, kind: 'CONSUMER' });
      expect(ingest?.attributes).toMatchObject({ 'ratchet.model': 'demo', 'ratchet.version': '1.0.0', 'ratchet.request_id': 'req-0' });
      expect(joined).toMatchObject({ traceId: PREDICTION.traceId, parentSpanId: ingest?.spanId });
      expect(joined?.attributes).toMatchObject({ 'ratchet.request_id': 'req-0', 'ratchet.rows': 1 });
      expect(joined?.links).toEqual([{ traceId: LABEL.traceId, spanId: LABEL.spanId, attributes: {} }]);
      // The labelled example goes on to the retrainer in the request's trace, under the join.
      expect(published).toEqual([{ what: 'labeled', traceparent: traceparentOf(joined) }]);
    });
  }

  it('makes no span for a record whose trace is not sampled, and keeps its trace id on the labelled example', async () => {
    const monitor = monitorWith();
    const t = syntheticTraffic({ requests: 1, seed: 2 });
    const unsampled = remote(PREDICTION.traceId, PREDICTION.spanId, false);
    inTrace(unsampled, () => monitor.onPrediction(at(t.predictions, 0)));
    inTrace(LABEL, () => monitor.onLabel(at(t.labels, 0)));
    expect(await spans()).toEqual([]);
    expect(published).toEqual([{ what: 'labeled', traceparent: `00-${PREDICTION.traceId}-${PREDICTION.spanId}-00` }]);
  });

  it('raises an alert tripped by a join as a child of the join span, and publishes the alert in that span’s trace', async () => {
    const monitor = monitorWith({ ...quiet, newData: { enabled: true, rows: 1 } });
    const t = syntheticTraffic({ requests: 1, seed: 3 });
    inTrace(PREDICTION, () => monitor.onPrediction(at(t.predictions, 0)));
    inTrace(LABEL, () => monitor.onLabel(at(t.labels, 0)));
    const all = await spans();
    const [joined] = named(all, MonitorSpanNames.join);
    const [alert] = named(all, MonitorSpanNames.alert);
    const raised = published.find((p) => p.what === 'alert');
    expect(alert).toMatchObject({ traceId: PREDICTION.traceId, parentSpanId: joined?.spanId });
    expect(alert?.attributes).toMatchObject({ 'ratchet.alert_id': raised?.alert?.id, 'ratchet.alert_kind': 'new_data', 'ratchet.retrain': true, 'ratchet.model': 'demo' });
    expect(raised?.traceparent).toBe(traceparentOf(alert));
  });

  it('starts a trace of its own for an alert raised by the periodic tick', async () => {
    const monitor = monitorWith({ ...quiet, performance: { min: 0.75, minSamples: 50 } });
    const t = syntheticTraffic({ requests: 100, seed: 4, flipRate: 0.6 });
    t.predictions.forEach((p, i) => {
      monitor.onPrediction(p);
      monitor.onLabel(at(t.labels, i));
    });
    monitor.tick();
    const [alert] = named(await spans(), MonitorSpanNames.alert);
    expect(alert?.attributes['ratchet.alert_kind']).toBe('performance');
    expect(alert?.parentSpanId).toBeUndefined();
    expect(alert?.links).toEqual([]);
    expect(published.find((p) => p.what === 'alert')?.traceparent).toBe(traceparentOf(alert));
  });

  it('records an alert tripped by an unsampled request in a trace of its own, linked to the request', async () => {
    const monitor = monitorWith({ ...quiet, newData: { enabled: true, rows: 1 } });
    const t = syntheticTraffic({ requests: 1, seed: 5 });
    const unsampled = remote(PREDICTION.traceId, PREDICTION.spanId, false);
    inTrace(unsampled, () => monitor.onPrediction(at(t.predictions, 0)));
    inTrace(LABEL, () => monitor.onLabel(at(t.labels, 0)));
    const all = await spans();
    expect(all.map((s) => s.name)).toEqual([MonitorSpanNames.alert]);
    const [alert] = all;
    expect(alert?.traceId).not.toBe(PREDICTION.traceId);
    expect(alert?.parentSpanId).toBeUndefined();
    expect(alert?.links).toEqual([{ traceId: PREDICTION.traceId, spanId: PREDICTION.spanId, attributes: {} }]);
  });

  it('marks the ingest span of a record it refuses as an error', async () => {
    const monitor = monitorWith();
    const t = syntheticTraffic({ requests: 1, seed: 6 });
    expect(() => inTrace(PREDICTION, () => monitor.onPrediction({ ...at(t.predictions, 0), version: '' }))).toThrow(/empty version/);
    const [ingest] = named(await spans(), MonitorSpanNames.ingest);
    expect(ingest?.status).toMatchObject({ code: 'ERROR' });
    expect(ingest?.status.message).toMatch(/empty version/);
  });
});
