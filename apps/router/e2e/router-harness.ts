import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceError, credentials } from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { type PolicyUpdated, type PredictionLogged, RouterAdminClient, Topics } from '@ratchet/contracts';
import { type EventBus, createMemoryBus } from '@ratchet/bus';
import { InferenceClient } from '@ratchet/inference-client';
import { FileRegistry } from '@ratchet/registry';
import { createLogger } from '@ratchet/service-kit';
import { type RouterService, type RouterServiceSettings, defaultRouterSettings, startRouterService } from '../src/index.js';

/** A router on loopback with a temp registry, an in-memory bus, a client and an admin client. */
export interface RouterHarness {
  readonly registry: FileRegistry;
  readonly bus: EventBus;
  readonly router: RouterService;
  readonly client: InferenceClient;
  readonly admin: InstanceType<typeof RouterAdminClient>;
  /** Route records logged so far (records with `route` set). */
  readonly routes: PredictionLogged[];
  /** Starts another router on the same bus and registry. */
  another(overrides?: Partial<RouterServiceSettings>): Promise<RouterService>;
  close(): Promise<void>;
}

/** Calls a unary admin method as a promise. */
export function adminCall<Req, Res>(
  fn: (req: Req, cb: (err: ServiceError | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** A seeded uniform [0,1) generator (mulberry32), so random arms repeat run to run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Versions the fake member answers well, with their P(class 1). */
export const GOOD_VERSIONS = ['1.0.0', '1.1.0', '1.2.0'];
export const P1: Record<string, number> = { '1.0.0': 0.2, '1.1.0': 0.6, '1.2.0': 0.9 };
/** Versions with a scripted fault (3.6.0 is routed to an address where nothing listens). */
export const FAULTY_VERSIONS = {
  '3.0.0': 'slow past its deadline',
  '3.1.0': 'NaN probabilities',
  '3.2.0': 'probabilities not summing to 1',
  '3.3.0': 'the wrong number of rows',
  '3.4.0': 'INTERNAL errors',
  '3.5.0': 'INVALID_ARGUMENT for any request',
  '3.6.0': 'down',
} as const;

/** Publishes placeholder versions: the router only validates that they exist and what their manifests say. */
export async function publishPlaceholders(registry: FileRegistry): Promise<void> {
  const bytes = Uint8Array.from([1, 2, 3]);
  for (const v of [...GOOD_VERSIONS, ...Object.keys(FAULTY_VERSIONS)]) await registry.publish({ model: 'demo', version: v, artifact: bytes });
  await registry.publish({
    model: 'demo',
    version: '2.0.0',
    artifact: bytes,
    manifest: { format: 'onnx-composite', outputs: [{ name: 'label', datatype: 'INT64', shape: [-1], allowNan: false }, { name: 'arm', datatype: 'INT64', shape: [-1], allowNan: false }] },
  });
  await registry.publish({
    model: 'demo-meta',
    version: '1.0.0',
    artifact: bytes,
    manifest: { inputs: ['member_0', 'member_1', 'member_2'].map((name) => ({ name, datatype: 'FP32', shape: [-1, 1], allowNan: false })) },
  });
}

export async function startRouterHarness(settings: Partial<RouterServiceSettings>, seed = 42): Promise<RouterHarness> {
  const root = await mkdtemp(join(tmpdir(), 'ratchet-router-e2e-'));
  const registry = new FileRegistry({ root });
  await publishPlaceholders(registry);
  const bus = createMemoryBus();
  await bus.ensureTopics(Object.values(Topics));
  const routes: PredictionLogged[] = [];
  await bus.subscribe(Topics.predictions, (r) => void (r.route ? routes.push(r) : undefined), { groupId: 'e2e-routes', fromBeginning: true });
  const logger = createLogger({ name: 'router-e2e', level: 'silent' });
  const sink = { offer: (r: PredictionLogged) => void bus.publish(Topics.predictions, r).catch(() => undefined) };
  const start = (overrides: Partial<RouterServiceSettings> = {}) =>
    startRouterService(
      { ...defaultRouterSettings, grpcPort: 0, httpPort: 0, ...settings, ...overrides },
      { registry, bus, sink, metrics: new Registry(), logger, random: seeded(seed) },
    );
  const router = await start();
  const others: RouterService[] = [];
  const client = new InferenceClient(`127.0.0.1:${router.grpcPort}`);
  const admin = new RouterAdminClient(`127.0.0.1:${router.grpcPort}`, credentials.createInsecure());
  return {
    registry,
    bus,
    router,
    client,
    admin,
    routes,
    another: async (o) => {
      const r = await start(o);
      others.push(r);
      return r;
    },
    close: async () => {
      client.close();
      admin.close();
      for (const r of others) await r.stop();
      await router.stop();
      await bus.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Sets a policy through the admin API. */
export function setPolicy(h: RouterHarness, model: string, policy: PolicyUpdated['policy'], expectedRevision = 0): Promise<PolicyUpdated> {
  return adminCall(h.admin.setPolicy.bind(h.admin), { model, policy, updatedBy: 'e2e', expectedRevision });
}

/** Reads a model's policy through the admin API. */
export function getPolicy(h: RouterHarness, model: string): Promise<PolicyUpdated> {
  return adminCall<{ model: string }, PolicyUpdated>(h.admin.getPolicy.bind(h.admin), { model });
}

/** Lists the policies through the admin API. */
export function listPolicies(h: RouterHarness): Promise<{ policies: PolicyUpdated[] }> {
  return adminCall<object, { policies: PolicyUpdated[] }>(h.admin.listPolicies.bind(h.admin), {});
}

/** Deletes a model's policy through the admin API. */
export function deletePolicy(h: RouterHarness, model: string): Promise<PolicyUpdated> {
  return adminCall<{ model: string; updatedBy: string }, PolicyUpdated>(h.admin.deletePolicy.bind(h.admin), { model, updatedBy: 'e2e' });
}

/** Resolves when `predicate` holds, polling on the event loop; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** One FP32 column per row: enough for fake members, which do not read inputs. */
export function rows(n: number) {
  return [{ name: 'x1', datatype: 'FP32' as const, values: Float32Array.from({ length: n }, (_, i) => i / 10) }];
}
