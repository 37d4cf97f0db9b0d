import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictionLogged, Topics } from '@ratchet/contracts';
import { type EventBus, createKafkaBus } from '@ratchet/bus';
import { InferenceClient } from '@ratchet/inference-client';
import { demoModel } from '@ratchet/ml';
import { kafkaBrokers as brokers, until } from './loop-helpers.js';
import { runRatchet, ServiceProcess } from './service-process.js';

const row = (i: number) => ({ x1: i / 10, x2: -i / 20, x3: 0.5, color: i % 2 ? 'red' : 'blue', region: 'north' });

describe('ratchet serve prediction, as its own process over Kafka', () => {
  let dir: string;
  let server: ServiceProcess;
  let bus: EventBus;
  const logged: PredictionLogged[] = [];
  const env: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-cli-e2e-'));
    const m = demoModel({ nRows: 800 });
    await writeFile(join(dir, 'demo.onnx'), m.onnx);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ inputs: m.inputs }));
    const v2 = demoModel({ nRows: 800, seed: 3, shift: 0.4 });
    await writeFile(join(dir, 'demo-v2.onnx'), v2.onnx);
    Object.assign(env, {
      KAFKA_BROKERS: brokers(),
      RATCHET_REGISTRY: join(dir, 'registry'),
      RATCHET_GRPC_PORT: '0',
      RATCHET_HTTP_PORT: '0',
      RATCHET_TRACE_FILE: join(dir, 'traces.jsonl'),
      RATCHET_LOG_FORMAT: 'json',
    });
    const first = await runRatchet(['publish', 'demo', '1.0.0', join(dir, 'demo.onnx'), '--manifest', join(dir, 'manifest.json')], env);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/published demo@1\.0\.0 .*announced on ratchet\.models\.v1/);

    bus = createKafkaBus({ brokers: brokers(), clientId: 'cli-e2e-observer' });
    await bus.subscribe(Topics.predictions, (r) => void logged.push(r), { groupId: `cli-e2e-${randomUUID()}`, fromBeginning: false });

    server = new ServiceProcess('prediction', 'prediction', env);
    await server.start(60_000);
  }, 120_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
    await bus?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ready = () => server.logged('prediction service ready')[0] as { grpc: string; http: string };
  const grpcAddress = () => ready().grpc;

  it('serves, logs predictions to Kafka, and hot-swaps a version announced by `ratchet publish`', async () => {
    const address = grpcAddress();
    const predict = await runRatchet(['predict', 'demo', '--url', address, '--row', 'x1=0.5,x2=-1,x3=0,color=red,region=north', '--json'], env);
    expect(predict.stderr).toBe('');
    const answer = JSON.parse(predict.stdout) as { version: string; outputs: { name: string; data: number[] }[] };
    expect(answer.version).toBe('1.0.0');
    expect(answer.outputs.find((o) => o.name === 'probabilities')?.data).toHaveLength(2);

    const client = new InferenceClient(address);
    const ids = Array.from({ length: 20 }, (_, i) => `cli-e2e-${i}`);
    for (const [i, id] of ids.entries()) {
      const meta = await client.modelMetadata('demo');
      const r = await client.infer({
        model: 'demo',
        id,
        inputs: meta.inputs.map((spec) => {
          const v = row(i)[spec.name as keyof ReturnType<typeof row>];
          return spec.datatype === 'BYTES'
            ? { name: spec.name, datatype: 'BYTES' as const, values: [String(v)] }
            : { name: spec.name, datatype: 'FP32' as const, values: [Number(v)] };
        }),
      });
      expect(r.id).toBe(id);
    }
    await until(() => ids.every((id) => logged.some((l) => l.requestId === id)), 30_000, 'the 20 prediction records on Kafka');
    expect(logged.find((l) => l.requestId === 'cli-e2e-3')).toMatchObject({ model: 'demo', version: '1.0.0', rows: 1 });

    const second = await runRatchet(['publish', 'demo', '1.1.0', join(dir, 'demo-v2.onnx'), '--manifest', join(dir, 'manifest.json')], env);
    expect(second.stdout).toMatch(/announced/);
    await until(async () => (await client.modelReady('demo', '1.1.0')) && (await client.modelMetadata('demo')).versions.includes('1.1.0'), 30_000, 'version 1.1.0');
    const meta = await client.modelMetadata('demo');
    const r = await client.infer({
      model: 'demo',
      inputs: meta.inputs.map((spec) =>
        spec.datatype === 'BYTES' ? { name: spec.name, datatype: 'BYTES' as const, values: ['red'] } : { name: spec.name, datatype: 'FP32' as const, values: [0.1] },
      ),
    });
    expect(r.version).toBe('1.1.0');
    client.close();

    const status = await (await fetch(`http://${ready().http}/metrics`)).text();
    expect(status).toMatch(/ratchet_prediction_log_records\{[^}]*state="delivered"[^}]*\} ([2-9]\d|\d{3,})/);
  });

  it('stops cleanly on SIGTERM', async () => {
    await server.kill('SIGTERM');
    expect(server.exits.at(-1)?.code).toBe(0);
    expect(server.logged('prediction service stopped')).toHaveLength(1);
  });
});
