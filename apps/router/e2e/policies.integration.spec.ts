import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictionLogged, Topics } from '@ratchet/contracts';
import { BufferedPublisher, type KafkaBus, createKafkaBus, silentLogger } from '@ratchet/bus';
import { InferenceClient } from '@ratchet/inference-client';
import { FileRegistry } from '@ratchet/registry';
import { createLogger } from '@ratchet/service-kit';
import { type RouterService, defaultRouterSettings, policyFromWords, startRouterService } from '../src/index.js';
import { type FakeMember, startFakeMember } from './fake-member.js';
import { rows, until } from './router-harness.js';

const brokers = process.env['KAFKA_BROKERS'];
if (!brokers) {
  throw new Error('KAFKA_BROKERS is not set: integration tests need a broker; run `npm test` or `npx ratchet kafka up --port 19092`');
}

// The topics are shared with other suites on the same broker: this suite keys everything by a
// model name of its own, which is what the compacted policies topic is keyed by.
describe('policies over a real Kafka broker', () => {
  const model = `it-${randomUUID().slice(0, 8)}`;
  const buses: KafkaBus[] = [];
  const routers: RouterService[] = [];
  let root: string;
  let registry: FileRegistry;
  let fake: FakeMember;
  let publisher: BufferedPublisher;
  const routes: PredictionLogged[] = [];

  const bus = () => {
    const b = createKafkaBus({ brokers, clientId: 'router-it', logger: silentLogger, fetchMaxWaitMs: 100, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 });
    buses.push(b);
    return b;
  };
  const router = async () => {
    const b = bus();
    const r = await startRouterService(
      { ...defaultRouterSettings, grpcPort: 0, httpPort: -1, members: { default: [fake.address] } },
      { registry, bus: b, sink: { offer: (rec) => void publisher.offer(Topics.predictions, rec) }, metrics: new Registry(), logger: createLogger({ name: 'it', level: 'silent' }) },
    );
    routers.push(r);
    return r;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-router-it-'));
    registry = new FileRegistry({ root });
    for (const v of ['1.0.0', '1.1.0']) await registry.publish({ model, version: v, artifact: Uint8Array.of(1) });
    fake = await startFakeMember({ '1.0.0': { kind: 'ok', p1: 0.3 }, '1.1.0': { kind: 'ok', p1: 0.7 } });
    const logBus = bus();
    await logBus.ensureTopics([Topics.policies, Topics.predictions]);
    publisher = new BufferedPublisher(logBus);
    await logBus.subscribe(Topics.predictions, (r) => void (r.model === model && r.route ? routes.push(r) : undefined), { groupId: `router-it-${randomUUID()}`, fromBeginning: false });
  });

  afterAll(async () => {
    for (const r of routers) await r.stop();
    await publisher?.close();
    for (const b of buses) await b.close();
    await fake?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('two routers converge on a policy set through either, and a router started later catches up from the compacted topic', async () => {
    const [a, b] = [await router(), await router()];
    const set = await a.admin.setPolicy({ model, policy: policyFromWords(model, 'single', ['1.1.0']), updatedBy: 'it', expectedRevision: 0 });
    await until(() => b.store.latest(model)?.revision === set.revision, 30_000, 'router b to apply the policy');
    const next = await b.admin.setPolicy({ model, policy: policyFromWords(model, 'split', ['1.0.0=1', '1.1.0=1'], { sticky: 'user_id' }), updatedBy: 'it', expectedRevision: set.revision });
    await until(() => a.store.latest(model)?.revision === next.revision, 30_000, 'router a to apply the change');
    const late = await router();
    await until(() => late.store.latest(model)?.revision === next.revision, 30_000, 'the late router to catch up');
    expect(late.store.policy(model)?.split?.stickyKey).toBe('user_id');

    const client = new InferenceClient(`127.0.0.1:${late.grpcPort}`);
    const res = await client.infer({ model, id: `${model}-r1`, inputs: rows(1), parameters: { user_id: 'u-1' } });
    client.close();
    await until(() => routes.some((r) => r.requestId === `${model}-r1`), 30_000, 'the route record on ratchet.predictions.v1');
    expect(routes.find((r) => r.requestId === `${model}-r1`)?.route?.arm).toBe(res.version);
  });
});
