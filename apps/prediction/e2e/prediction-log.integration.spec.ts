import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictionLogged, Topics } from '@ratchet/contracts';
import { BufferedPublisher, type KafkaBus, createKafkaBus, silentLogger } from '@ratchet/bus';
import { InferenceClient } from '@ratchet/inference-client';
import { kafkaDown, kafkaUp } from '@ratchet/kafka-broker';
import { FileRegistry } from '@ratchet/registry';
import { createLogger } from '@ratchet/service-kit';
import { type PredictionService, defaultPredictionSettings, startPredictionService } from '../src/index.js';
import { demoColumns, sharedDemoModel, until } from './harness.js';

if (!process.env['KAFKA_BROKERS']) {
  throw new Error('KAFKA_BROKERS is not set: integration tests need a broker; run `npm test` or `npx ratchet kafka up`');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

// This test stops and restarts a broker of its own; the shared one keeps serving other suites.
describe('the prediction log across a broker restart', () => {
  const broker = { port: 0, controllerPort: 0, dataDir: '' };
  let dir: string;
  let bus: KafkaBus;
  let publisher: BufferedPublisher;
  let service: PredictionService;
  let client: InferenceClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-predlog-'));
    Object.assign(broker, { port: await freePort(), controllerPort: await freePort(), dataDir: join(dir, 'kafka') });
    await kafkaUp(broker);
    const registry = new FileRegistry({ root: join(dir, 'registry') });
    const m = sharedDemoModel();
    await registry.publish({ model: 'demo', version: '1.0.0', artifact: m.onnx, manifest: { inputs: m.inputs.map((i) => ({ ...i, shape: [...i.shape] })) } });
    bus = createKafkaBus({ brokers: `127.0.0.1:${broker.port}`, clientId: 'predlog-test', logger: silentLogger, producerRetries: 2, connectionTimeoutMs: 1_000, fetchMaxWaitMs: 200 });
    await bus.ensureTopics([Topics.predictions, Topics.models]);
    publisher = new BufferedPublisher(bus, { backoff: { initialMs: 100, maxMs: 1_000 } });
    service = await startPredictionService(
      { ...defaultPredictionSettings, grpcPort: 0, httpPort: -1 },
      {
        registry,
        logger: createLogger({ name: 'predlog', level: 'silent' }),
        sink: {
          offer: (r) => void publisher.offer(Topics.predictions, r),
          get counters() {
            return publisher.counters;
          },
        },
        metrics: new Registry(),
      },
    );
    client = new InferenceClient(`127.0.0.1:${service.grpcPort}`);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await service?.stop();
    await publisher?.close({ timeoutMs: 5_000 });
    await bus?.close({ timeoutMs: 5_000 });
    await kafkaDown({ ...broker, wipe: true });
    await rm(dir, { recursive: true, force: true });
  });

  it('answers every request while the broker is down and delivers every record once it is back', async () => {
    const run = randomUUID().slice(0, 8);
    const send = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const r = await client.infer({ model: 'demo', id: `${run}-${i}`, inputs: demoColumns(2) });
        expect(r.version).toBe('1.0.0');
      }
    };
    await send(0, 20);
    expect(await publisher.flush({ timeoutMs: 20_000 })).toBe(true);

    await kafkaDown(broker);
    await send(20, 50); // every response arrives although nothing can be logged right now
    expect(publisher.counters.delivered).toBe(20);
    expect(publisher.counters.dropped).toBe(0);

    await kafkaUp(broker);
    expect(await publisher.flush({ timeoutMs: 60_000 })).toBe(true);
    expect(publisher.counters).toMatchObject({ offered: 50, delivered: 50, dropped: 0, queued: 0 });

    const seen = new Map<string, PredictionLogged>();
    const sub = await bus.subscribe(Topics.predictions, (r) => void seen.set(r.requestId, r), { groupId: `predlog-${run}`, fromBeginning: true });
    await until(() => seen.size >= 50, 60_000, 'all 50 prediction records');
    await sub.stop();
    for (let i = 0; i < 50; i++) expect(seen.get(`${run}-${i}`)).toMatchObject({ model: 'demo', version: '1.0.0', rows: 2 });
  });
});
