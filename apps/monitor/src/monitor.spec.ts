import { describe, expect, it } from 'vitest';
import { type Alert, AlertKind, AlertSeverity, type LabeledExample, type MetricsReport, WindowKind, eventTensorElements } from '@ratchet/contracts';
import type { ReferenceProfile } from '@ratchet/drift';
import { makeSyntheticBinary } from '@ratchet/ml';
import { AlertConfig } from './alerts/alert-config.js';
import { referenceProfileFromTable } from '@ratchet/drift';
import { InvalidRecordError } from './errors.js';
import { Monitor, type MonitorOptions } from './monitor.js';
import { syntheticTraffic } from './testing/synthetic-traffic.js';

const training = makeSyntheticBinary({ nRows: 5000, seed: 11, missingRate: 0 });
const profile = referenceProfileFromTable(training.table, training.schema);

const quiet = { conceptDrift: { enabled: false }, newData: { enabled: false }, priorShift: { enabled: false }, dataDrift: { enabled: false } };

function setup(alerts: Record<string, unknown> = {}, options: MonitorOptions = {}, profiles: ReferenceProfile | undefined = profile) {
  let now = 1_000_000;
  const out = { labeled: [] as LabeledExample[], metrics: [] as MetricsReport[], alerts: [] as Alert[] };
  const monitor = new Monitor(
    { labeled: (e) => out.labeled.push(e), metrics: (r) => out.metrics.push(r), alert: (a) => out.alerts.push(a) },
    async () => profiles,
    { now: () => now, alerts: AlertConfig.parse({ defaults: alerts }), ...options },
  );
  return { monitor, out, advance: (ms: number) => (now += ms) };
}

describe('the monitor', () => {
  it('publishes a joined example per label record with the labelled rows of the inputs and outputs', () => {
    const { monitor, out } = setup(quiet);
    const t = syntheticTraffic({ requests: 2, rowsPerRequest: 3, seed: 1 });
    monitor.onLabel({ ...(t.labels[0] as (typeof t.labels)[0]), rowOffset: 1, labels: [1, 0] });
    monitor.onPrediction(t.predictions[0] as (typeof t.predictions)[0]);
    expect(out.labeled).toHaveLength(1);
    const e = out.labeled[0] as LabeledExample;
    expect(e).toMatchObject({ requestId: 'req-0', model: 'demo', version: '1.0.0', rowOffset: 1, rows: 2, labels: [1, 0] });
    const x1 = e.inputs.find((i) => i.name === 'x1');
    const full = eventTensorElements(t.predictions[0]?.inputs.find((i) => i.name === 'x1') ?? e.inputs[0]!) as Float32Array;
    expect(x1?.shape).toEqual([2, 1]);
    expect(Array.from(eventTensorElements(x1!) as Float32Array)).toEqual(Array.from(full.subarray(1, 3)));
    expect(e.inputs.find((i) => i.name === 'color')?.shape).toEqual([2, 1]);
    expect(e.predictedLabels).toHaveLength(2);
    expect(e.probabilities).toHaveLength(2);
  });

  it('raises one performance alert for a degraded model however many ticks see it', () => {
    const { monitor, out, advance } = setup({ ...quiet, performance: { min: 0.75, minSamples: 200, criticalMargin: 0.1 } });
    const t = syntheticTraffic({ requests: 400, seed: 2, flipRate: 0.5 });
    t.predictions.forEach((p, i) => {
      monitor.onPrediction(p);
      monitor.onLabel(t.labels[i]!);
    });
    for (let i = 0; i < 3; i++) {
      monitor.tick();
      advance(1000);
    }
    const perf = out.alerts.filter((a) => a.kind === AlertKind.ALERT_KIND_PERFORMANCE);
    expect(perf).toHaveLength(1);
    expect(perf[0]?.severity).toBe(AlertSeverity.ALERT_SEVERITY_CRITICAL);
    expect(perf[0]?.evidence).toMatchObject({ statistic: 'accuracy', threshold: 0.75, sampleSize: 400 });
    expect(perf[0]?.evidence?.value).toBeLessThan(0.65);
    expect(perf[0]?.retrain).toBe(true);
  });

  it('keeps quiet about a healthy model: no performance, drift, prior-shift or concept-drift alert', async () => {
    const { monitor, out } = setup({ newData: { enabled: false }, performance: { min: 0.7, minSamples: 200 } }, { drift: { windowRows: 1000 } });
    const t = syntheticTraffic({ requests: 2001, seed: 3 });
    monitor.onPrediction(t.predictions[0]!);
    await monitor.drift.settled();
    t.predictions.forEach((p, i) => {
      if (i > 0) monitor.onPrediction(p);
      monitor.onLabel(t.labels[i]!);
    });
    monitor.tick();
    expect(monitor.drift.counters.checks).toBe(2);
    expect(monitor.drift.ofModel('demo')[0]?.last?.report.labelShift?.sampleSize).toBeGreaterThan(900);
    expect(out.alerts.map((a) => a.message)).toEqual([]);
  });

  it('raises a data drift alert naming the shifted feature, with its test evidence', async () => {
    const { monitor, out } = setup({ ...quiet, dataDrift: { enabled: true } }, { drift: { windowRows: 1000 } });
    const t = syntheticTraffic({ requests: 1001, seed: 4, shift: 1 });
    monitor.onPrediction(t.predictions[0]!);
    await monitor.drift.settled();
    for (const p of t.predictions.slice(1)) monitor.onPrediction(p);
    const drift = out.alerts.filter((a) => a.kind === AlertKind.ALERT_KIND_DATA_DRIFT);
    expect(drift).toHaveLength(1);
    expect(drift[0]?.evidence?.features).toEqual(['x3']);
    expect(drift[0]?.evidence?.pValue).toBeLessThan(0.05);
    expect(drift[0]?.evidence?.effectSize).toBeGreaterThan(0.1);
    expect(drift[0]?.evidence?.sampleSize).toBe(1000);
    const [version] = monitor.drift.ofModel('demo');
    expect(version?.last?.histograms.find((h) => h.feature === 'color')?.categories).toEqual(['black', 'blue', 'green', 'red']);
  });

  it('raises a concept-drift alert when the error rate jumps mid-stream', () => {
    const { monitor, out } = setup({ ...quiet, conceptDrift: { enabled: true } });
    const before = syntheticTraffic({ requests: 1000, seed: 13, requestIdPrefix: 'before' });
    const after = syntheticTraffic({ requests: 1000, seed: 14, flipRate: 0.6, requestIdPrefix: 'after' });
    for (const t of [before, after]) t.predictions.forEach((p, i) => (monitor.onPrediction(p), monitor.onLabel(t.labels[i]!)));
    const concept = out.alerts.filter((a) => a.kind === AlertKind.ALERT_KIND_CONCEPT_DRIFT);
    expect(concept).toHaveLength(1);
    expect(concept[0]?.evidence?.detector).toMatch(/adwin/i);
  });

  it('raises a new-data trigger each time enough labelled rows arrived', () => {
    const { monitor, out } = setup({ ...quiet, newData: { enabled: true, rows: 100 } });
    const t = syntheticTraffic({ requests: 250, seed: 5 });
    t.predictions.forEach((p, i) => {
      monitor.onPrediction(p);
      monitor.onLabel(t.labels[i]!);
    });
    expect(out.alerts.map((a) => a.kind)).toEqual([AlertKind.ALERT_KIND_NEW_DATA, AlertKind.ALERT_KIND_NEW_DATA]);
  });

  it('raises a schedule trigger when the schedule is due', () => {
    const { monitor, out, advance } = setup({ ...quiet, schedule: { enabled: true, everyMs: 60_000 } });
    monitor.onPrediction(syntheticTraffic({ requests: 1, seed: 6 }).predictions[0]!);
    monitor.tick();
    advance(60_000);
    monitor.tick();
    monitor.tick();
    expect(out.alerts.map((a) => [a.kind, a.version])).toEqual([[AlertKind.ALERT_KIND_SCHEDULE, '1.0.0']]);
  });

  it('compares arms: a worse arm shows a negative difference, a small p-value and the rows still needed', () => {
    const { monitor, out } = setup(quiet, { metrics: { countWindow: 2000 } });
    const a = syntheticTraffic({ requests: 1500, seed: 7, arm: 'control', requestIdPrefix: 'a' });
    const b = syntheticTraffic({ requests: 1500, seed: 8, arm: 'candidate', version: '2.0.0', flipRate: 0.3, requestIdPrefix: 'b' });
    for (const t of [a, b]) t.predictions.forEach((p, i) => (monitor.onPrediction(p), monitor.onLabel(t.labels[i]!)));
    monitor.tick();
    const reports = out.metrics.filter((r) => r.windowKind === WindowKind.WINDOW_KIND_COUNT);
    expect(reports.map((r) => r.arm).sort()).toEqual(['candidate', 'control']);
    const c = reports.find((r) => r.arm === 'candidate')?.comparisons[0];
    expect(c).toMatchObject({ baselineArm: 'control', arm: 'candidate', version: '2.0.0', count: 1500, baselineCount: 1500 });
    expect(c?.difference).toBeLessThan(-0.1);
    expect(c?.ciHigh).toBeLessThan(0);
    expect(c?.pValue).toBeLessThan(1e-6);
    expect(c?.minimumSampleSize).toBeGreaterThan(1500);
    expect(c?.sufficient).toBe(false);
    expect(reports[0]?.metrics).toHaveProperty('roc_auc');
  });

  it('closes time windows with rates and latency percentiles', () => {
    const { monitor, out, advance } = setup(quiet, { metrics: { windowMs: 10_000 } });
    const t = syntheticTraffic({ requests: 100, seed: 9 });
    t.predictions.forEach((p, i) => (monitor.onPrediction(p), monitor.onLabel(t.labels[i]!)));
    advance(10_000);
    monitor.tick();
    const time = out.metrics.find((r) => r.windowKind === WindowKind.WINDOW_KIND_TIME);
    expect(time?.count).toBe(100);
    expect(time?.metrics['prediction_rate']).toBeCloseTo(10, 9);
    expect(time?.metrics['label_rate']).toBeCloseTo(10, 9);
    expect(time?.metrics['latency_p50_ms']).toBeGreaterThanOrEqual(1);
    expect(time?.metrics['latency_p99_ms']).toBeLessThanOrEqual(2.5);
  });

  it('refuses records it can never use with a non-retriable error, counted', () => {
    const { monitor } = setup(quiet);
    const p = syntheticTraffic({ requests: 1, seed: 10 }).predictions[0]!;
    expect(() => monitor.onPrediction({ ...p, requestId: '' })).toThrow(InvalidRecordError);
    expect(() => monitor.onPrediction({ ...p, rows: 3 })).toThrow(/3 rows/);
    expect(() => monitor.onLabel({ requestId: 'x', model: 'demo', rowOffset: 0, labels: [Number.NaN], timestampMs: 0, source: '' })).toThrow(/NaN/);
    try {
      monitor.onLabel({ requestId: '', model: 'demo', rowOffset: 0, labels: [1], timestampMs: 0, source: '' });
    } catch (err) {
      expect((err as InvalidRecordError).retriable).toBe(false);
    }
    expect(monitor.counters).toMatchObject({ invalidPredictions: 2, invalidLabels: 2 });
    // A failed routed request has no outputs: counted and skipped, not an error.
    monitor.onPrediction({ ...p, outputs: [] });
    expect(monitor.counters).toMatchObject({ invalidPredictions: 2, predictionsWithoutOutputs: 1 });
  });

  it('handles a record redelivered at the same position once', () => {
    const { monitor, out } = setup(quiet);
    const t = syntheticTraffic({ requests: 1, seed: 12 });
    const at = { topic: 'ratchet.feedback.v1', partition: 0, offset: '7' };
    monitor.onPrediction(t.predictions[0]!, { topic: 'ratchet.predictions.v1', partition: 0, offset: '3' });
    monitor.onLabel(t.labels[0]!, at);
    monitor.onLabel(t.labels[0]!, at);
    expect(out.labeled).toHaveLength(1);
    expect(monitor.counters.redeliveredRecords).toBe(1);
  });
});
