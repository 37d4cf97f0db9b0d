import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { type ModelVersionPublished, type PredictionLogged, Topics } from '@ratchet/contracts';
import { type EventBus, createMemoryBus } from '@ratchet/bus';
import { InferenceClient } from '@ratchet/inference-client';
import { type DemoModel, demoModel } from '@ratchet/ml';
import { FileRegistry } from '@ratchet/registry';
import { createLogger } from '@ratchet/service-kit';
import {
  type PredictionService,
  type PredictionServiceSettings,
  defaultPredictionSettings,
  startPredictionService,
} from '../src/index.js';

/** A prediction service on loopback with a temp registry, an in-memory bus and a client. */
export interface Harness {
  readonly registry: FileRegistry;
  readonly bus: EventBus;
  readonly service: PredictionService;
  readonly client: InferenceClient;
  readonly metrics: Registry;
  /** Prediction records logged so far. */
  readonly logged: { record: PredictionLogged; traceparent: string | undefined }[];
  readonly announced: ModelVersionPublished[];
  publishDemo(model: string, version: string, m: DemoModel, allowNan?: boolean): Promise<void>;
  close(): Promise<void>;
}

let cached: DemoModel | undefined;
/** The demo model, trained once per test file. */
export function sharedDemoModel(): DemoModel {
  cached ??= demoModel({ nRows: 1500 });
  return cached;
}

export async function startHarness(overrides: Partial<PredictionServiceSettings> = {}): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'ratchet-prediction-e2e-'));
  const bus = createMemoryBus();
  await bus.ensureTopics(Object.values(Topics));
  const announced: ModelVersionPublished[] = [];
  const registry = new FileRegistry({
    root,
    onPublished: async (e) => {
      announced.push(e);
      await bus.publish(Topics.models, e);
    },
  });
  const logged: Harness['logged'] = [];
  await bus.subscribe(
    Topics.predictions,
    (record, ctx) => void logged.push({ record, traceparent: ctx.traceparent }),
    { groupId: 'e2e-observer', fromBeginning: true },
  );
  const metrics = new Registry();
  const logger = createLogger({ name: 'e2e', level: 'silent' });
  const publishDemo: Harness['publishDemo'] = async (model, version, m, allowNan = true) => {
    await registry.publish({
      model,
      version,
      artifact: m.onnx,
      manifest: {
        inputs: m.inputs.map((i) => ({ ...i, shape: [...i.shape], allowNan: i.allowNan && allowNan })),
        metrics: m.metrics,
      },
    });
  };
  await publishDemo('demo', '1.0.0', sharedDemoModel());
  const service = await startPredictionService(
    { ...defaultPredictionSettings, grpcPort: 0, httpPort: 0, ...overrides },
    {
      registry,
      logger,
      bus,
      sink: { offer: (r) => void bus.publish(Topics.predictions, r).catch(() => undefined) },
      metrics,
    },
  );
  const client = new InferenceClient(`127.0.0.1:${service.grpcPort}`);
  return {
    registry,
    bus,
    service,
    client,
    metrics,
    logged,
    announced,
    publishDemo,
    close: async () => {
      client.close();
      await service.stop();
      await bus.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** One row per entry: numeric x1..x3 and categorical color/region. */
export function demoColumns(rows: number, opts: { nanAt?: number } = {}) {
  const colors = ['red', 'green', 'blue', 'black', 'mauve'];
  const regions = ['north', 'south', 'west'];
  const num = (k: number) =>
    Float32Array.from({ length: rows }, (_, i) => (i === opts.nanAt ? Number.NaN : ((i * 37 + k * 11) % 17) / 5 - 1.6));
  return [
    { name: 'x1', datatype: 'FP32' as const, values: num(1) },
    { name: 'x2', datatype: 'FP32' as const, values: num(2) },
    { name: 'x3', datatype: 'FP32' as const, values: num(3) },
    { name: 'color', datatype: 'BYTES' as const, values: Array.from({ length: rows }, (_, i) => colors[i % colors.length] as string) },
    { name: 'region', datatype: 'BYTES' as const, values: Array.from({ length: rows }, (_, i) => regions[i % regions.length] as string) },
  ];
}

/** Resolves when `predicate` holds, polling on the event loop; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
