import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@ratchet/bus';
import { Alert, AlertKind, type LabeledExample, type RetrainJobEvent, RetrainJobEventKind, Topics, rawEventTensor } from '@ratchet/contracts';
import { exportPipeline, extractLabels, fitPipeline, getColumn, makeSyntheticBinary, categoryAt } from '@ratchet/ml';
import { FileRegistry } from '@ratchet/registry';
import { createLogger, createMetricsRegistry } from '@ratchet/service-kit';
import { FileBatchStore } from './batch-store/file-batch-store.js';
import { PIPELINE_REPORT, manifestInputs } from './job/production.js';
import { defaultRetrainSettings } from './job/retrain-job.js';
import { defaultRetrainerSettings, startRetrainerService } from './retrainer-service.js';

async function until<T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Labelled examples of 100 rows each, as the monitor publishes them. */
function labeledExamples(nRows: number, seed: number): LabeledExample[] {
  const d = makeSyntheticBinary({ nRows, seed, shift: 1 });
  const y = extractLabels(d.table, d.schema);
  const out: LabeledExample[] = [];
  for (let start = 0; start < nRows; start += 100) {
    const n = Math.min(100, nRows - start);
    const inputs = d.schema.features.map((f) => {
      const col = getColumn(d.table, f.name);
      return col.type === 'numeric'
        ? rawEventTensor(f.name, 'FP32', [n, 1], Float32Array.from(col.values.subarray(start, start + n)))
        : rawEventTensor(f.name, 'BYTES', [n, 1], Array.from({ length: n }, (_, i) => categoryAt(col, start + i) ?? ''));
    });
    out.push({
      requestId: `req-${seed}-${start}`, model: 'm', version: '1.0.0', arm: '', rowOffset: 0, rows: n, inputs,
      labels: Array.from(y.subarray(start, start + n)), predictedLabels: [], probabilities: [],
      predictedAtMs: 1000 + start, labeledAtMs: 2000 + start, labelSource: 'test', traceId: '',
    });
  }
  return out;
}

describe('retrainer service', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-retrainer-svc-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores labelled traffic, retrains on a retrain alert and announces the published version', async () => {
    const bus = createMemoryBus();
    const registry = new FileRegistry({ root: join(root, 'registry') });
    const before = makeSyntheticBinary({ nRows: 60, seed: 1 });
    const pipeline = fitPipeline(before.table, { schema: before.schema, model: { kind: 'logistic-regression', params: {} } });
    await registry.publish({
      model: 'm', version: '1.0.0', artifact: exportPipeline(pipeline),
      manifest: { format: 'onnx', inputs: manifestInputs(pipeline.preprocessor.inputs), reports: { [PIPELINE_REPORT]: JSON.stringify(pipeline.toJSON()) } },
    });
    const store = new FileBatchStore({ root: join(root, 'batches'), batchRows: 500 });
    const service = await startRetrainerService(
      {
        ...defaultRetrainerSettings,
        httpPort: 0,
        jobsRoot: join(root, 'jobs'),
        jobs: { ...defaultRetrainSettings, k: 3, budget: 0.12, alpha: 0.05 },
        triggers: { freshRows: 0, batchRows: 500 },
      },
      { bus, registry, store, logger: createLogger({ name: 'retrainer-test', level: 'error' }), metrics: createMetricsRegistry({ serviceName: 'retrainer' }) },
    );
    const events: RetrainJobEvent[] = [];
    await bus.subscribe(Topics.retrainJobs, (e) => void events.push(e), { groupId: 'test', fromBeginning: true });
    try {
      const examples = labeledExamples(2500, 2);
      for (const e of examples) await bus.publish(Topics.labeled, e);
      await bus.publish(Topics.labeled, examples[0] as LabeledExample); // redelivered: stored once
      await until(async () => ((await store.listBatches('m')).length === 5 ? true : undefined), 'five sealed batches');
      expect(await store.openRows('m')).toBe(0);
      await bus.publish(Topics.alerts, Alert.fromPartial({ id: 'alert-1', model: 'm', kind: AlertKind.ALERT_KIND_DATA_DRIFT, retrain: true, message: 'x3 drifted' }));
      const published = await until(() => events.find((e) => e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED), 'a published event');
      expect(published).toMatchObject({ model: 'm', parentVersion: '1.0.0', triggerId: 'alert-1', trigger: 'alert' });
      expect(published.batchIds).toEqual(['b000001', 'b000002', 'b000003', 'b000004', 'b000005']);
      expect(await registry.versions('m')).toEqual(['1.0.0', published.version]);
      await service.retrainer.idle();
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toMatch(/ratchet_retrainer_jobs\{outcome="published",service="retrainer"\} 1/);
    } finally {
      await service.stop();
      await bus.close();
    }
  }, 120_000);
});
