import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alert, AlertKind, Headers, type LabeledExample, type MetricsReport, Topics } from '@ratchet/contracts';
import { type MemoryBus, createMemoryBus, deadLetterTopic } from '@ratchet/bus';
import { makeSyntheticBinary } from '@ratchet/ml';
import { FileRegistry } from '@ratchet/registry';
import { createLogger } from '@ratchet/service-kit';
import { AlertConfig } from './alerts/alert-config.js';
import { referenceProfileFromTable } from '@ratchet/drift';
import { type MonitorService, defaultMonitorSettings, startMonitorService } from './monitor-service.js';
import { syntheticTraffic } from './testing/synthetic-traffic.js';
import { until } from './testing/until.js';

describe('the monitor service on the in-memory bus', () => {
  let dir: string;
  let bus: MemoryBus;
  let service: MonitorService;
  const got = { labeled: [] as LabeledExample[], metrics: [] as MetricsReport[], alerts: [] as Alert[], dlq: [] as Record<string, string>[] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-monitor-'));
    const registry = new FileRegistry({ root: dir });
    const train = makeSyntheticBinary({ nRows: 3000, seed: 21, missingRate: 0 });
    await registry.publish({
      model: 'demo',
      version: '1.0.0',
      artifact: new Uint8Array([1, 2, 3]),
      manifest: { reports: { drift_profile: JSON.stringify(referenceProfileFromTable(train.table, train.schema).toJSON()) } },
    });
    bus = createMemoryBus();
    await bus.subscribe(Topics.labeled, (e) => void got.labeled.push(e), { groupId: 'spec', fromBeginning: true });
    await bus.subscribe(Topics.metrics, (e) => void got.metrics.push(e), { groupId: 'spec', fromBeginning: true });
    await bus.subscribe(Topics.alerts, (e) => void got.alerts.push(e), { groupId: 'spec', fromBeginning: true });
    for (const t of [Topics.predictions, Topics.feedback]) {
      await bus.subscribe(deadLetterTopic(t), (_v, ctx) => void got.dlq.push({ ...ctx.headers }), { groupId: 'spec', fromBeginning: true });
    }
    service = await startMonitorService(
      { ...defaultMonitorSettings, httpPort: 0, tickMs: 60_000, drift: { windowRows: 500, maxAgeMs: 60_000 } },
      {
        bus,
        registry,
        logger: createLogger({ name: 'spec', level: 'silent' }),
        metrics: new Registry(),
        alerts: AlertConfig.parse({ defaults: { newData: { rows: 300 }, performance: { minSamples: 100 } } }),
      },
    );
  });

  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('joins, reports, alerts and serves the dashboard API and Prometheus metrics', async () => {
    const t = syntheticTraffic({ requests: 600, seed: 22, shift: 1.5 });
    await bus.publish(Topics.predictions, t.predictions[0]!);
    await until('the drift profile to load', () => service.monitor.drift.ofModel('demo')[0]?.hasProfile);
    await bus.publishBatch(Topics.predictions, t.predictions.slice(1));
    await bus.publishBatch(Topics.feedback, t.labels);
    await until('600 joined examples', () => got.labeled.length === 600);
    service.tick();
    await service.flush();
    await until('metrics reports', () => got.metrics.length > 0);
    await until('new-data and drift alerts', () => got.alerts.some((a) => a.kind === AlertKind.ALERT_KIND_DATA_DRIFT) && got.alerts.some((a) => a.kind === AlertKind.ALERT_KIND_NEW_DATA));
    expect(got.alerts.find((a) => a.kind === AlertKind.ALERT_KIND_DATA_DRIFT)?.evidence?.features).toContain('x3');

    const api = (await (await fetch(`${service.url}/api/models/demo`)).json()) as Record<string, unknown[]>;
    expect(api['deployed']).toEqual([expect.objectContaining({ version: '1.0.0', hasDriftProfile: true })]);
    expect(api['series']).toHaveLength(1);
    expect(api['alerts']?.length).toBe(got.alerts.length);
    expect(api['drift']).toEqual([expect.objectContaining({ version: '1.0.0', hasProfile: true, last: expect.objectContaining({ drifted: true }) })]);
    const prom = await (await fetch(`${service.url}/metrics`)).text();
    expect(prom).toContain('ratchet_monitor_join_rows{outcome="joined"} 600');
    expect(prom).toMatch(/ratchet_monitor_metric\{model="demo",version="1.0.0",arm="",metric="accuracy"\} 0\.\d+/);
    const page = await (await fetch(`${service.url}/dashboard/demo`)).text();
    expect(page).toContain('/dashboard/assets/uPlot.iife.min.js');
    expect((await fetch(`${service.url}/dashboard/assets/uPlot.iife.min.js`)).status).toBe(200);
  });

  it('sends undecodable and semantically invalid records to the dead-letter topics with the reason', async () => {
    const p = syntheticTraffic({ requests: 1, seed: 23 }).predictions[0]!;
    await bus.publishEncoded([{ topic: Topics.predictions.name, key: 'junk', value: new Uint8Array([0xff, 0xff, 0xff]), headers: {} }]);
    await bus.publish(Topics.predictions, { ...p, requestId: '' }, { key: 'k' });
    await bus.publish(Topics.feedback, { requestId: 'r', model: 'demo', rowOffset: 0, labels: [], timestampMs: 0, source: 'x' });
    await until('three dead letters', () => got.dlq.length >= 3);
    const reasons = got.dlq.map((h) => h[Headers.dlqReason] ?? '');
    expect(reasons.some((r) => /empty request_id/.test(r))).toBe(true);
    expect(reasons.some((r) => /no labels/.test(r))).toBe(true);
    expect(reasons.some((r) => /decode failed/.test(r))).toBe(true);
    // Not retried: invalid records are refused on their first delivery.
    expect(got.dlq.filter((h) => /not retriable/.test(h[Headers.dlqReason] ?? '')).map((h) => h[Headers.dlqAttempts])).toEqual(['1', '1']);
  });
});
