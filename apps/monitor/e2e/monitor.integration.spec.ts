import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alert, AlertKind, Headers, type LabeledExample, type MetricsReport, Topics, WindowKind } from '@ratchet/contracts';
import { type KafkaBus, createKafkaBus, deadLetterTopic, silentLogger } from '@ratchet/bus';
import { makeSyntheticBinary } from '@ratchet/ml';
import { FileRegistry } from '@ratchet/registry';
import { createLogger } from '@ratchet/service-kit';
import { AlertConfig, type MonitorService, defaultMonitorSettings, referenceProfileFromTable, startMonitorService, syntheticTraffic } from '../src/index.js';
import { until } from '../src/testing/until.js';

const brokers = process.env['KAFKA_BROKERS'];
if (!brokers) {
  throw new Error('KAFKA_BROKERS is not set: integration tests need a broker; run `npm test` or `npx ratchet kafka up --port 19092` and export KAFKA_BROKERS=127.0.0.1:19092');
}

// The shared broker carries other suites' records on the same topics: everything here is told
// apart by a model name and request ids unique to this run.
describe('the monitor over a real Kafka broker', () => {
  const run = randomUUID().slice(0, 8);
  const model = `itest-${run}`;
  let dir: string;
  let bus: KafkaBus;
  let observer: KafkaBus;
  let service: MonitorService;
  const got = { labeled: [] as LabeledExample[], metrics: [] as MetricsReport[], alerts: [] as Alert[], dlq: [] as { key: string | undefined; reason: string }[] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-monitor-kafka-'));
    const registry = new FileRegistry({ root: dir });
    const train = makeSyntheticBinary({ nRows: 3000, seed: 31, missingRate: 0 });
    await registry.publish({
      model,
      version: '1.0.0',
      artifact: new Uint8Array([0]),
      manifest: { reports: { drift_profile: JSON.stringify(referenceProfileFromTable(train.table, train.schema).toJSON()) } },
    });
    const options = { brokers, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 10_000, fetchMaxWaitMs: 100, logger: silentLogger };
    bus = createKafkaBus({ ...options, clientId: `monitor-itest-${run}` });
    observer = createKafkaBus({ ...options, clientId: `monitor-itest-observer-${run}` });
    await bus.ensureTopics(Object.values(Topics));
    const mine = (m: { model: string }) => m.model === model;
    // One group per topic (kafkajs assigners expect every member of a group to share its topics).
    const group = (topic: string) => ({ groupId: `monitor-itest-observer-${run}-${topic}` });
    await observer.subscribe(Topics.labeled, (e) => void (mine(e) && got.labeled.push(e)), group('labeled'));
    await observer.subscribe(Topics.metrics, (e) => void (mine(e) && got.metrics.push(e)), group('metrics'));
    await observer.subscribe(Topics.alerts, (e) => void (mine(e) && got.alerts.push(e)), group('alerts'));
    for (const t of [Topics.predictions, Topics.feedback]) {
      await observer.subscribe(
        deadLetterTopic(t),
        (_v, ctx) => void (ctx.key?.startsWith(run) && got.dlq.push({ key: ctx.key, reason: ctx.headers[Headers.dlqReason] ?? '' })),
        group(t.name),
      );
    }
    service = await startMonitorService(
      { ...defaultMonitorSettings, httpPort: -1, groupId: `monitor-itest-${run}`, fromBeginning: false, tickMs: 200, drift: { windowRows: 300, maxAgeMs: 60_000 } },
      {
        bus,
        registry,
        logger: createLogger({ name: 'monitor-itest', level: 'silent' }),
        metrics: new Registry(),
        alerts: AlertConfig.parse({ models: { [model]: { performance: { minSamples: 100, min: 0.75 }, newData: { enabled: false }, conceptDrift: { enabled: false } } } }),
      },
    );
  });

  afterAll(async () => {
    await service?.stop();
    await observer?.close();
    await bus?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('joins out-of-order and redelivered labels once, publishes metrics and one alert, and dead-letters bad records', async () => {
    const t = syntheticTraffic({ requests: 400, seed: 32, model, flipRate: 0.5, shift: 1.5, requestIdPrefix: `${run}-req` });
    // Out of order: the first request's label is published before its prediction.
    await bus.publish(Topics.feedback, t.labels[0]!);
    await bus.publish(Topics.predictions, t.predictions[0]!);
    await until('the out-of-order label to join', () => got.labeled.some((e) => e.requestId === t.labels[0]!.requestId));
    await until('the drift profile to load', () => service.monitor.drift.ofModel(model)[0]?.hasProfile);
    await bus.publishBatch(Topics.predictions, t.predictions.slice(1));
    await bus.publishBatch(Topics.feedback, t.labels.slice(1));
    // Redelivery: the same labels again (what a producer retry or a replaying client sends).
    await bus.publishBatch(Topics.feedback, t.labels.slice(0, 50));
    // Bad records: bytes that are not a PredictionLogged, and a prediction with no request id.
    await bus.publishEncoded([{ topic: Topics.predictions.name, key: `${run}-junk`, value: new Uint8Array([0x0a, 0xff, 0xff, 0xff]), headers: {} }]);
    await bus.publish(Topics.predictions, { ...t.predictions[1]!, requestId: '' }, { key: `${run}-empty` });

    await until('400 joined examples', () => got.labeled.length >= 400);
    await until('a performance alert', () => got.alerts.some((a) => a.kind === AlertKind.ALERT_KIND_PERFORMANCE));
    await until('a count-window metrics report over 400 rows', () => got.metrics.some((r) => r.windowKind === WindowKind.WINDOW_KIND_COUNT && r.count === 400));
    await until('both bad records in the dead-letter topics', () => got.dlq.length >= 2);
    await until('the duplicate labels to be counted', () => service.monitor.join.counters.duplicateLabelRows >= 50);
    // Several more ticks: hysteresis keeps it one alert.
    for (let i = 0; i < 3; i++) service.tick();
    await service.flush();
    const alertsRaised = service.monitor.counters.alertsRaised;
    await until('every alert raised to arrive', () => got.alerts.length >= alertsRaised);

    expect(new Set(got.labeled.map((e) => e.requestId)).size).toBe(400);
    expect(got.labeled).toHaveLength(400);
    expect(got.alerts.filter((a) => a.kind === AlertKind.ALERT_KIND_PERFORMANCE)).toHaveLength(1);
    const perf = got.alerts.find((a) => a.kind === AlertKind.ALERT_KIND_PERFORMANCE)!;
    expect(perf).toMatchObject({ model, version: '1.0.0' });
    expect(perf.evidence?.value).toBeLessThan(0.75);
    expect(got.alerts.some((a) => a.kind === AlertKind.ALERT_KIND_DATA_DRIFT && a.evidence?.features.includes('x3'))).toBe(true);
    expect(got.dlq.map((d) => d.key).sort()).toEqual([`${run}-empty`, `${run}-junk`]);
    expect(got.dlq.find((d) => d.key === `${run}-empty`)?.reason).toMatch(/empty request_id/);
    expect(service.monitor.join.counters.duplicateLabelRows).toBe(50);
  });
});
