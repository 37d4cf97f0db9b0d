import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alert, type LabeledExample, Topics } from '@ratchet/contracts';
import { type KafkaBus, createKafkaBus, parseTraceparent, silentLogger } from '@ratchet/bus';
import { type SpanRecord, type Telemetry, createLogger, readSpanFile, startTelemetry } from '@ratchet/service-kit';
import { AlertConfig, MonitorSpanNames, type MonitorService, defaultMonitorSettings, startMonitorService, syntheticTraffic } from '../src/index.js';
import { until } from '../src/testing/until.js';

const brokers = process.env['KAFKA_BROKERS'];
if (!brokers) {
  throw new Error('KAFKA_BROKERS is not set: integration tests need a broker; run `npm test` or `npx ratchet kafka up --port 19092` and export KAFKA_BROKERS=127.0.0.1:19092');
}

/** The element at `i`, or a test failure naming what is missing. */
function at<T>(list: readonly T[], i: number): T {
  const x = list[i];
  if (x === undefined) throw new Error(`no element ${i} in a list of ${list.length}`);
  return x;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

// The shared broker carries other suites' records on the same topics: this run's records are
// told apart by a model name and trace ids of its own.
describe('a request’s trace across the Kafka hop into the monitor', () => {
  const run = randomUUID().slice(0, 8);
  const model = `traces-${run}`;
  let dir: string;
  let telemetry: Telemetry;
  let bus: KafkaBus;
  let observer: KafkaBus;
  let service: MonitorService;
  const labeled: { example: LabeledExample; traceparent: string | undefined }[] = [];
  const alerts: { alert: Alert; traceparent: string | undefined }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-monitor-traces-'));
    telemetry = startTelemetry({ serviceName: 'monitor', exporter: { kind: 'file', path: join(dir, 'spans.jsonl') }, processor: 'simple' });
    const options = { brokers, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 10_000, fetchMaxWaitMs: 100, logger: silentLogger };
    bus = createKafkaBus({ ...options, clientId: `monitor-traces-${run}` });
    observer = createKafkaBus({ ...options, clientId: `monitor-traces-observer-${run}` });
    await bus.ensureTopics(Object.values(Topics));
    await observer.subscribe(Topics.labeled, (e, ctx) => void (e.model === model && labeled.push({ example: e, traceparent: ctx.traceparent })), { groupId: `monitor-traces-${run}-labeled` });
    await observer.subscribe(Topics.alerts, (a, ctx) => void (a.model === model && alerts.push({ alert: a, traceparent: ctx.traceparent })), { groupId: `monitor-traces-${run}-alerts` });
    service = await startMonitorService(
      { ...defaultMonitorSettings, httpPort: -1, groupId: `monitor-traces-${run}`, fromBeginning: false, tickMs: 200 },
      {
        bus,
        logger: createLogger({ name: 'monitor-traces-itest', level: 'silent' }),
        metrics: new Registry(),
        // Every joined row is "new data": one alert per request, raised inside its join.
        alerts: AlertConfig.parse({ models: { [model]: { newData: { enabled: true, rows: 1 }, conceptDrift: { enabled: false }, performance: { enabled: false }, dataDrift: { enabled: false }, priorShift: { enabled: false } } } }),
      },
    );
  });

  afterAll(async () => {
    await service?.stop();
    await observer?.close();
    await bus?.close();
    await telemetry?.shutdown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('continues a sampled request’s trace in the monitor and keeps an unsampled one unrecorded', async () => {
    const t = syntheticTraffic({ requests: 2, seed: 41, model, requestIdPrefix: `${run}-req` });
    // What the prediction service sends: the record's traceparent is its ModelInfer span.
    const sampled = { traceId: hex(16), spanId: hex(8) };
    const unsampled = { traceId: hex(16), spanId: hex(8) };
    const labelSpan = { traceId: hex(16), spanId: hex(8) };
    await bus.publish(Topics.predictions, at(t.predictions, 0), { headers: { traceparent: `00-${sampled.traceId}-${sampled.spanId}-01` } });
    await bus.publish(Topics.predictions, at(t.predictions, 1), { headers: { traceparent: `00-${unsampled.traceId}-${unsampled.spanId}-00` } });
    await bus.publish(Topics.feedback, at(t.labels, 0), { headers: { traceparent: `00-${labelSpan.traceId}-${labelSpan.spanId}-01` } });
    await bus.publish(Topics.feedback, at(t.labels, 1));
    await until('both labelled examples', () => labeled.length >= 2, 60_000);
    await until('both new-data alerts', () => alerts.length >= 2, 60_000);
    await telemetry.forceFlush();
    const spans: SpanRecord[] = await readSpanFile(join(dir, 'spans.jsonl'));
    const ofTrace = (traceId: string) => spans.filter((s) => s.traceId === traceId);

    // The sampled request: ingest under the producer's span, join under ingest, alert under join.
    const mine = ofTrace(sampled.traceId);
    const ingest = mine.find((s) => s.name === MonitorSpanNames.ingest);
    const joined = mine.find((s) => s.name === MonitorSpanNames.join);
    const alert = mine.find((s) => s.name === MonitorSpanNames.alert);
    expect(ingest).toMatchObject({ parentSpanId: sampled.spanId, kind: 'CONSUMER' });
    expect(ingest?.attributes).toMatchObject({ 'ratchet.model': model, 'ratchet.request_id': at(t.predictions, 0).requestId });
    expect(joined?.parentSpanId).toBe(ingest?.spanId);
    expect(joined?.links.map((l) => [l.traceId, l.spanId])).toEqual([[labelSpan.traceId, labelSpan.spanId]]);
    expect(alert?.parentSpanId).toBe(joined?.spanId);
    // Downstream records carry the monitor's spans: the labelled example the join, the alert its own.
    const example = labeled.find((l) => l.example.requestId === at(t.predictions, 0).requestId);
    expect(parseTraceparent(example?.traceparent)).toEqual({ traceId: sampled.traceId, spanId: joined?.spanId, sampled: true });
    const raised = alerts.find((a) => a.alert.id === alert?.attributes['ratchet.alert_id']);
    expect(parseTraceparent(raised?.traceparent)).toEqual({ traceId: sampled.traceId, spanId: alert?.spanId, sampled: true });

    // The unsampled request: no span in its trace, which still travels on unsampled.
    expect(ofTrace(unsampled.traceId)).toEqual([]);
    const quiet = labeled.find((l) => l.example.requestId === at(t.predictions, 1).requestId);
    expect(parseTraceparent(quiet?.traceparent)).toEqual({ traceId: unsampled.traceId, spanId: unsampled.spanId, sampled: false });
    // Its alert is still recorded, in a trace of its own linked to the request.
    const own = spans.find((s) => s.name === MonitorSpanNames.alert && s.links.some((l) => l.traceId === unsampled.traceId));
    expect(own?.parentSpanId).toBeUndefined();
    expect(alerts.map((a) => parseTraceparent(a.traceparent)?.traceId)).toContain(own?.traceId);
  });
});
