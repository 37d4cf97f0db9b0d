import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictionLogged, Topics } from '@ratchet/contracts';
import { type EventBus, createMemoryBus } from '@ratchet/bus';
import { type ColumnInput, InferenceClient } from '@ratchet/inference-client';
import { type DemoModel, type Pipeline, demoModel, extractLabels, fitPipeline, makeSyntheticBinary, takeRows } from '@ratchet/ml';
import { ARM_OUTPUT, exportGatedPair, fitPairGate, gatingSplit } from '@ratchet/pareto';
import { type PredictionService, defaultPredictionSettings, startPredictionService } from '@ratchet/prediction';
import { FileRegistry } from '@ratchet/registry';
import { type Telemetry, createLogger, startTelemetry } from '@ratchet/service-kit';
import { type RouterService, defaultRouterSettings, policyFromWords, startRouterService } from '../src/index.js';
import { until } from './router-harness.js';

/** Rows of the demo generator's columns (x1..x3 numeric, color and region categorical). */
function columns(n: number): ColumnInput[] {
  const colors = ['red', 'green', 'blue', 'black'];
  const f = (k: number) => Float32Array.from({ length: n }, (_, i) => ((i * 13 + k * 7) % 11) / 4 - 1.3);
  return [
    { name: 'x1', datatype: 'FP32', values: f(1) },
    { name: 'x2', datatype: 'FP32', values: f(2) },
    { name: 'x3', datatype: 'FP32', values: f(3) },
    { name: 'color', datatype: 'BYTES', values: Array.from({ length: n }, (_, i) => colors[i % 4] as string) },
    { name: 'region', datatype: 'BYTES', values: Array.from({ length: n }, (_, i) => (i % 2 ? 'north' : 'west')) },
  ];
}

function manifestOf(m: DemoModel) {
  return { inputs: m.inputs.map((i) => ({ ...i, shape: [...i.shape] })) };
}

describe('the router in front of real prediction services', () => {
  let telemetry: Telemetry;
  let root: string;
  let bus: EventBus;
  let prediction: PredictionService;
  let router: RouterService;
  let direct: InferenceClient;
  let client: InferenceClient;
  const records: PredictionLogged[] = [];

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'router-prediction-e2e', exporter: { kind: 'none' } });
    root = await mkdtemp(join(tmpdir(), 'ratchet-router-prediction-'));
    const registry = new FileRegistry({ root });
    for (const [version, options] of [['1.0.0', { seed: 7 }], ['1.1.0', { seed: 8, shift: 0.3 }], ['1.2.0', { seed: 9, nRows: 800 }]] as const) {
      const m = demoModel({ nRows: 1200, ...options });
      await registry.publish({ model: 'demo', version, artifact: m.onnx, manifest: manifestOf(m) });
    }
    // A gated pair exported as one composite version, as the retrainer ships a Pareto router.
    const { table, schema } = makeSyntheticBinary({ nRows: 2000, seed: 5, missingRate: 0.05 });
    const y = extractLabels(table, schema);
    const parts = gatingSplit(y, { seed: 1 });
    const part = (r: Int32Array) => ({ table: takeRows(table, r), y: Float64Array.from(r, (i) => y[i] as number) });
    const a: Pipeline = fitPipeline(takeRows(table, parts.model), { schema, model: { kind: 'logistic-regression' } });
    const b: Pipeline = fitPipeline(takeRows(table, parts.model), { schema, model: { kind: 'gbdt', params: { nRounds: 15, maxDepth: 3 } } });
    const fitted = fitPairGate(a, b, part(parts.fit), part(parts.calibration), { kind: 'knn', k: 7, budget: 0.1, confidence: 0.8 });
    await registry.publish({
      model: 'demo',
      version: '2.0.0',
      artifact: exportGatedPair(a, b, fitted.gate, { budget: 0.1, confidence: 0.8 }),
      manifest: { format: 'onnx-composite' },
    });

    bus = createMemoryBus();
    await bus.ensureTopics(Object.values(Topics));
    await bus.subscribe(Topics.predictions, (r) => void records.push(r), { groupId: 'observer', fromBeginning: true });
    const sink = { offer: (r: PredictionLogged) => void bus.publish(Topics.predictions, r).catch(() => undefined) };
    const logger = createLogger({ name: 'e2e', level: 'silent' });
    prediction = await startPredictionService({ ...defaultPredictionSettings, grpcPort: 0, httpPort: -1, maxVersionsPerModel: 8 }, { registry, logger, sink, metrics: new Registry() });
    router = await startRouterService(
      { ...defaultRouterSettings, grpcPort: 0, httpPort: -1, members: { default: [`127.0.0.1:${prediction.grpcPort}`] } },
      { registry, bus, sink, metrics: new Registry(), logger },
    );
    direct = new InferenceClient(`127.0.0.1:${prediction.grpcPort}`);
    client = new InferenceClient(`127.0.0.1:${router.grpcPort}`);
  });

  afterAll(async () => {
    client?.close();
    direct?.close();
    await router?.stop();
    await prediction?.stop();
    await bus?.close();
    await telemetry?.shutdown();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const recordsOf = async (id: string, n: number) => {
    await until(() => records.filter((r) => r.requestId === id).length >= n, 10_000, `${n} records of ${id}`);
    const all = records.filter((r) => r.requestId === id);
    return { route: all.find((r) => r.route), members: all.filter((r) => !r.route) };
  };

  it('routes a sticky split, and the monitor can pair each route record with the member’s own record', async () => {
    await router.admin.setPolicy({ model: 'demo', policy: policyFromWords('demo', 'split', ['1.0.0=50', '1.1.0=50'], { sticky: 'user_id' }), updatedBy: 'e2e', expectedRevision: 0 });
    for (let u = 0; u < 10; u++) {
      const id = `split-${u}`;
      const res = await client.infer({ model: 'demo', id, inputs: columns(3), parameters: { user_id: `user-${u}` } });
      const { route, members } = await recordsOf(id, 2);
      expect(route?.route?.arm).toBe(res.version);
      expect(members.map((m) => m.version)).toEqual([res.version]);
      expect(members[0]?.rows).toBe(3);
      expect(route?.traceId).toBe(members[0]?.traceId);
    }
  });

  it('answers a bagging ensemble with the mean of the versions’ own answers', async () => {
    await router.admin.setPolicy({ model: 'demo', policy: policyFromWords('demo', 'ensemble', ['bagging', '1.0.0', '1.1.0', '1.2.0']), updatedBy: 'e2e', expectedRevision: 0 });
    const inputs = columns(8);
    const res = await client.infer({ model: 'demo', id: 'bagging-real', inputs });
    const own = await Promise.all(['1.0.0', '1.1.0', '1.2.0'].map((v) => direct.infer({ model: 'demo', version: v, inputs })));
    const p = res.output('probabilities').data as Float32Array;
    for (let j = 0; j < p.length; j++) {
      const mean = own.reduce((s, r) => s + ((r.output('probabilities').data as Float32Array)[j] ?? Number.NaN), 0) / 3;
      expect(p[j]).toBeCloseTo(mean, 6);
    }
    const { members } = await recordsOf('bagging-real', 4);
    expect(members.map((m) => m.version).sort()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
  });

  it('serves a pareto policy through the composite version and logs its arm per row', async () => {
    await router.admin.setPolicy({ model: 'demo', policy: policyFromWords('demo', 'pareto', ['2.0.0']), updatedBy: 'e2e', expectedRevision: 0 });
    const inputs = columns(32);
    const res = await client.infer({ model: 'demo', id: 'pareto-real', inputs });
    const own = await direct.infer({ model: 'demo', version: '2.0.0', inputs });
    const arms = Array.from(own.output(ARM_OUTPUT).data as BigInt64Array, Number);
    expect(Array.from(res.output(ARM_OUTPUT).data as BigInt64Array, Number)).toEqual(arms);
    const { route } = await recordsOf('pareto-real', 2);
    expect(route?.route?.rowArms).toEqual(arms);
    expect(route?.route?.arm).toMatch(/^(production|candidate|mixed)$/);
  });
});
