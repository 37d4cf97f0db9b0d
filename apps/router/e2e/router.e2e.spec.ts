import { type ServiceError, credentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnsembleStrategy, HealthClient, type Policy, eventTensorElements } from '@ratchet/contracts';
import { InferenceClient } from '@ratchet/inference-client';
import { type GrpcServerHandle, type Telemetry, startGrpcServer, startTelemetry, createHealthService } from '@ratchet/service-kit';
import { DEFAULT_POLICY, policyFromWords, rendezvousPick } from '../src/index.js';
import { type FakeMember, startFakeMember } from './fake-member.js';
import { P1, type RouterHarness, deletePolicy, getPolicy, listPolicies, rows, setPolicy, startRouterHarness, until } from './router-harness.js';

async function failure(p: Promise<unknown>): Promise<ServiceError> {
  return (await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  )) as ServiceError;
}

async function expectStatus(p: Promise<unknown>, code: status, message: RegExp): Promise<void> {
  const err = await failure(p);
  expect(status[err.code]).toBe(status[code]);
  expect(err.details).toMatch(message);
}

const policy = (p: Partial<Policy>): Policy => ({ ...DEFAULT_POLICY, single: undefined, ...p });
const p1Of = (res: { output(name: string): { data: ArrayLike<unknown> } }, row = 0) => Number(res.output('probabilities').data[2 * row + 1]);

let telemetry: Telemetry;
let fake: FakeMember;
let deadAddress: string;
let h: RouterHarness;

beforeAll(async () => {
  telemetry = startTelemetry({ serviceName: 'router-e2e', exporter: { kind: 'none' } });
  fake = await startFakeMember({
    '': { kind: 'ok', p1: 0.5 },
    ...Object.fromEntries(Object.entries(P1).map(([v, p1]) => [v, { kind: 'ok' as const, p1 }])),
    '3.0.0': { kind: 'slow' },
    '3.1.0': { kind: 'nan' },
    '3.2.0': { kind: 'bad-sum' },
    '3.3.0': { kind: 'wrong-rows' },
    '3.4.0': { kind: 'error', code: status.INTERNAL },
    '3.5.0': { kind: 'error', code: status.INVALID_ARGUMENT },
    '2.0.0': { kind: 'composite', p1: 0.7, arms: [0, 1, 1] },
  });
  fake.set('1.0.0', { kind: 'ok', p1: 0.8 }, 'demo-meta');
  // A port where nothing listens: bind one, then close it.
  const probe: GrpcServerHandle = await startGrpcServer({ port: 0, services: [createHealthService()] });
  deadAddress = `127.0.0.1:${probe.port}`;
  await probe.close(0);
  h = await startRouterHarness({
    members: { default: [fake.address], overrides: { 'demo@3.6.0': [deadAddress] } },
    memberDeadlineMs: 300,
    breaker: { failureThreshold: 1000, cooldownMs: 60_000 },
  });
});

afterAll(async () => {
  await h?.close();
  await fake?.close();
  await telemetry?.shutdown();
});

const routeOf = async (id: string) => {
  await until(() => h.routes.some((r) => r.requestId === id), 5000, `route record ${id}`);
  const found = h.routes.find((r) => r.requestId === id);
  if (!found) throw new Error(`no route record ${id}`);
  return found;
};

describe('the router speaks the Open Inference Protocol', () => {
  it('answers a model without a policy with its default version and logs the route', async () => {
    const res = await h.client.infer({ model: 'nopolicy', id: 'default-1', inputs: rows(1) });
    expect(res.version).toBe('9.0.0');
    const r = await routeOf('default-1');
    expect(r.route?.policy).toBe('default');
    expect(r.route?.members.map((m) => `${m.role}:${m.status}`)).toEqual(['primary:OK']);
  });

  it('forwards a single policy with the request id and the trace context', async () => {
    await setPolicy(h, 'demo', policy({ single: { version: '1.1.0' } }));
    const res = await h.client.infer({ model: 'demo', id: 'single-1', inputs: rows(2) });
    expect(res.version).toBe('1.1.0');
    expect(res.id).toBe('single-1');
    expect(p1Of(res, 1)).toBeCloseTo(0.6, 6);
    const got = fake.received.filter((r) => r.id === 'single-1');
    expect(got.map((r) => r.version)).toEqual(['1.1.0']);
    expect(got[0]?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    const r = await routeOf('single-1');
    expect(r.route?.policy).toBe('single');
    expect(r.route?.arm).toBe('1.1.0');
    expect(r.version).toBe('1.1.0');
    expect(r.traceId).toBe(got[0]?.traceparent?.split('-')[1]);
    expect(r.route?.routerId).toBe(h.router.routerId);
  });

  it('gives a request without an id one, and forwards that same id to the member', async () => {
    const before = fake.received.length;
    const res = await h.client.infer({ model: 'demo', inputs: rows(1) });
    expect(res.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.received.slice(before).map((r) => r.id)).toEqual([res.id]);
  });

  it('sends a request naming a version to exactly that version', async () => {
    const res = await h.client.infer({ model: 'demo', version: '1.2.0', id: 'direct-1', inputs: rows(1) });
    expect(res.version).toBe('1.2.0');
    expect((await routeOf('direct-1')).route?.policy).toBe('direct');
  });

  it('serves grpc.health.v1, ModelReady, ModelMetadata and HTTP metrics', async () => {
    const health = new HealthClient(`127.0.0.1:${h.router.grpcPort}`, credentials.createInsecure());
    const res = await new Promise<{ status: number }>((resolve, reject) => health.check({ service: '' }, (err, r) => (err ? reject(err) : resolve(r))));
    health.close();
    expect(res.status).toBe(1);
    expect(await h.client.serverReady()).toBe(true);
    expect(await h.client.modelReady('demo', '1.0.0')).toBe(true);
    expect((await h.client.modelMetadata('demo')).name).toBe('demo');
    expect((await h.client.serverMetadata()).name).toBe('ratchet-router');
    const text = await (await fetch(`http://127.0.0.1:${h.router.httpPort}/metrics`)).text();
    expect(text).toMatch(/ratchet_router_requests_total\{model="demo",policy="single",code="OK"\} \d+/);
    expect((await fetch(`http://127.0.0.1:${h.router.httpPort}/v2/health/ready`)).status).toBe(200);
  });
});

describe('split', () => {
  it('pins every user to one arm by consistent hashing of the sticky key', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'split', ['1.0.0=50', '1.1.0=50'], { sticky: 'user_id' }));
    const arms = [{ name: '1.0.0', weight: 50 }, { name: '1.1.0', weight: 50 }];
    const seen = new Map<string, Set<string>>();
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        Array.from({ length: 60 }, async (_, u) => {
          const user = `u-${u}`;
          const res = await h.client.infer({ model: 'demo', inputs: rows(1), parameters: { user_id: user } });
          const versions = seen.get(user) ?? new Set<string>();
          versions.add(res.version);
          seen.set(user, versions);
        }),
      );
    }
    for (const [user, versions] of seen) {
      expect([...versions]).toEqual([arms[rendezvousPick(arms, user)]?.name]);
    }
    expect(new Set([...seen.values()].map((v) => [...v][0])).size).toBe(2);
  });

  it('picks a random arm by weight when the request has no sticky key, and logs the arm', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'split', ['1.0.0=70', '1.1.0=30'], { sticky: 'user_id' }));
    const versions = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const res = await h.client.infer({ model: 'demo', id: `rand-${i}`, inputs: rows(1) });
      versions.add(res.version);
      expect((await routeOf(`rand-${i}`)).route?.arm).toBe(res.version);
    }
    expect([...versions].sort()).toEqual(['1.0.0', '1.1.0']);
  });

  it('splits traffic between ensemble strategies when arms hold policies', async () => {
    const ens = (strategy: EnsembleStrategy) => policy({ ensemble: { members: ['1.0.0', '1.2.0'], strategy, stageWeights: [], metaModel: '', metaVersion: '' } });
    await setPolicy(h, 'demo', policy({
      split: {
        stickyKey: 'user_id',
        arms: [
          { name: 'bagging', weight: 1, version: '', policy: ens(EnsembleStrategy.BAGGING) },
          { name: 'boosting', weight: 1, version: '', policy: ens(EnsembleStrategy.BOOSTING) },
        ],
      },
    }));
    const arms = new Set<string>();
    for (let u = 0; u < 12; u++) {
      const id = `ens-split-${u}`;
      const res = await h.client.infer({ model: 'demo', id, inputs: rows(1), parameters: { user_id: `user-${u}` } });
      const arm = (await routeOf(id)).route?.arm as string;
      arms.add(arm);
      const expected = arm === 'bagging' ? (0.2 + 0.9) / 2 : 1 / (1 + Math.exp(-(Math.log(0.2 / 0.8) + Math.log(0.9 / 0.1))));
      expect(p1Of(res)).toBeCloseTo(expected, 5);
    }
    expect([...arms].sort()).toEqual(['bagging', 'boosting']);
  });
});

describe('shadow', () => {
  it('answers with the primary and mirrors the request in the background', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'shadow', ['1.0.0', '1.1.0'], { share: 1 }));
    const res = await h.client.infer({ model: 'demo', id: 'shadow-1', inputs: rows(1) });
    expect(res.version).toBe('1.0.0');
    expect(p1Of(res)).toBeCloseTo(0.2, 6);
    await until(() => fake.received.some((r) => r.id === 'shadow-1' && r.version === '1.1.0'), 5000, 'the mirror call');
    const r = await routeOf('shadow-1');
    expect(r.route?.members.map((m) => `${m.role}:${m.version}:${m.status}`).sort()).toEqual(['primary:1.0.0:OK', 'shadow:1.1.0:OK']);
  });

  it('never waits for a mirror that does not answer; the route record says what happened', async () => {
    await setPolicy(h, 'demo', policy({ shadow: { primary: '1.0.0', mirror: '3.0.0', share: 1, mirrorDeadlineMs: 200 }, memberDeadlineMs: 10_000 }));
    // The client's deadline is shorter than the mirror's: a response that waited for it would fail.
    const res = await h.client.infer({ model: 'demo', id: 'shadow-slow', inputs: rows(1), deadlineMs: 150 });
    expect(res.version).toBe('1.0.0');
    const r = await routeOf('shadow-slow');
    expect(r.route?.members.find((m) => m.role === 'shadow')?.status).toBe('DEADLINE_EXCEEDED');
  });

  it('mirrors no request at share 0', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'shadow', ['1.0.0', '1.1.0'], { share: 0 }));
    await h.client.infer({ model: 'demo', id: 'shadow-none', inputs: rows(1) });
    expect((await routeOf('shadow-none')).route?.members.map((m) => m.role)).toEqual(['primary']);
  });
});

describe('ensembles call members in parallel and combine them', () => {
  const members = ['1.0.0', '1.1.0', '1.2.0'];
  const ps = members.map((v) => P1[v] ?? Number.NaN);

  it('bagging averages probabilities, in the encoding the client used', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'ensemble', ['bagging', ...members]));
    const res = await h.client.infer({ model: 'demo', id: 'bag-1', inputs: rows(2), encoding: 'typed' });
    expect(p1Of(res, 1)).toBeCloseTo(ps.reduce((a, b) => a + b) / 3, 6);
    expect(Number(res.output('label').data[0])).toBe(1);
    expect(res.version).toBe('1.0.0+1.1.0+1.2.0');
    const r = await routeOf('bag-1');
    expect(r.route?.members.filter((m) => m.role === 'member' && m.status === 'OK')).toHaveLength(3);
    expect(r.outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
    const logged = r.outputs[1];
    expect(logged && (eventTensorElements(logged) as Float32Array)[1]).toBeCloseTo(0.5667, 4);
    expect(fake.received.filter((x) => x.id === 'bag-1')).toHaveLength(3);
  });

  it('vote takes the majority label', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'ensemble', ['vote', ...members]));
    const res = await h.client.infer({ model: 'demo', inputs: rows(1) });
    expect(Number(res.output('label').data[0])).toBe(1);
    expect(p1Of(res)).toBeCloseTo(2 / 3, 6);
  });

  it('boosting is the sigmoid of stage-weighted log-odds', async () => {
    const w = [1, 0.5, 0.25];
    await setPolicy(h, 'demo', policyFromWords('demo', 'ensemble', ['boosting', ...members], { weights: w }));
    const res = await h.client.infer({ model: 'demo', inputs: rows(1), outputs: ['probabilities'] });
    const z = ps.reduce((s, p, i) => s + (w[i] ?? 0) * Math.log(p / (1 - p)), 0);
    expect(p1Of(res)).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
    expect(res.outputs.map((o) => o.name)).toEqual(['probabilities']);
  });

  it('stacking feeds member_<i> to the meta-model version and answers with it', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'ensemble', ['stacking', ...members], { meta: '1.0.0' }));
    const res = await h.client.infer({ model: 'demo', id: 'stack-1', inputs: rows(1) });
    expect(p1Of(res)).toBeCloseTo(0.8, 6);
    const meta = fake.received.find((x) => x.id === 'stack-1' && x.model === 'demo-meta');
    expect(meta?.inputs).toEqual(['member_0', 'member_1', 'member_2']);
    expect((await routeOf('stack-1')).route?.members.map((m) => m.role).sort()).toEqual(['member', 'member', 'member', 'meta']);
  });

  it('bagging answers from the members left when one fails, and says so', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'ensemble', ['bagging', '1.0.0', '1.2.0', '3.4.0']));
    const res = await h.client.infer({ model: 'demo', id: 'bag-partial', inputs: rows(1) });
    expect(p1Of(res)).toBeCloseTo((0.2 + 0.9) / 2, 6);
    expect((await routeOf('bag-partial')).route?.fallbackReason).toMatch(/bagging combined 2 of 3 members: demo@3.4.0: INTERNAL/);
  });

  it('boosting that loses a stage falls back to the fallback version', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'ensemble', ['boosting', '1.0.0', '3.1.0'], { fallback: ['1.1.0'] }));
    const res = await h.client.infer({ model: 'demo', id: 'boost-fb', inputs: rows(1) });
    expect(res.version).toBe('1.1.0');
    const r = await routeOf('boost-fb');
    expect(r.route?.arm).toBe('fallback:1.1.0');
    expect(r.route?.fallbackReason).toMatch(/boosting ensemble lost 1 of 2 members .*demo@3.1.0: invalid output/);
  });
});

describe('pareto', () => {
  it('routes to the composite version and logs which arm answered each row', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'pareto', ['2.0.0']));
    const res = await h.client.infer({ model: 'demo', id: 'pareto-1', inputs: rows(3) });
    expect(res.version).toBe('2.0.0');
    const r = await routeOf('pareto-1');
    expect(r.route?.policy).toBe('pareto');
    expect(r.route?.arm).toBe('mixed');
    expect(r.route?.rowArms).toEqual([0, 1, 1]);
  });
});

describe('fallback under injected faults', () => {
  const cases: [string, string, RegExp][] = [
    ['3.6.0', 'down', /demo@3.6.0: UNAVAILABLE/],
    ['3.0.0', 'slow past its deadline', /demo@3.0.0: no answer within its 300 ms deadline/],
    ['3.1.0', 'answering NaN', /demo@3.1.0: invalid output: .*NaN/],
    ['3.2.0', 'answering probabilities that do not sum to 1', /demo@3.2.0: invalid output: .*sums to 1\.39/],
    ['3.3.0', 'answering the wrong number of rows', /demo@3.3.0: invalid output: .*expected 2 rows/],
    ['3.4.0', 'failing with INTERNAL', /demo@3.4.0: INTERNAL: scripted INTERNAL/],
  ];
  for (const [version, what, reason] of cases) {
    it(`answers from the fallback when the primary is ${what}, with the reason logged`, async () => {
      await setPolicy(h, 'demo', policyFromWords('demo', 'single', [version], { fallback: ['1.0.0'] }));
      const id = `fault-${version}`;
      const res = await h.client.infer({ model: 'demo', id, inputs: rows(2) });
      expect(res.version).toBe('1.0.0');
      expect(p1Of(res)).toBeCloseTo(0.2, 6);
      const r = await routeOf(id);
      expect(r.route?.fallbackReason).toMatch(reason);
      expect(r.route?.members.map((m) => m.role)).toEqual(['primary', 'fallback']);
      expect(r.route?.members[1]?.status).toBe('OK');
    });
  }

  it('walks the whole chain, and fails with every reason when nothing answers', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['3.6.0'], { fallback: ['3.4.0', '1.2.0'] }));
    expect((await h.client.infer({ model: 'demo', inputs: rows(1) })).version).toBe('1.2.0');
    await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['3.4.0'], { fallback: ['3.1.0'] }));
    await expectStatus(h.client.infer({ model: 'demo', inputs: rows(1) }), status.UNAVAILABLE, /no member could answer: demo@3.4.0: INTERNAL.*; demo@3.1.0: invalid output/);
  });

  it('stops calling a failing member once its circuit opens, and probes it back after the cool-down', async () => {
    const r2 = await h.another({ breaker: { failureThreshold: 2, cooldownMs: 300 }, memberDeadlineMs: 300 });
    const c = new InferenceClient(`127.0.0.1:${r2.grpcPort}`);
    try {
      await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['3.4.0'], { fallback: ['1.0.0'] }));
      await until(() => r2.store.policy('demo')?.single?.version === '3.4.0', 5000, 'policy on the second router');
      for (let i = 0; i < 3; i++) expect((await c.infer({ model: 'demo', id: `cb-${i}`, inputs: rows(1) })).version).toBe('1.0.0');
      expect((await routeOf('cb-2')).route?.members.map((m) => m.status)).toEqual(['CIRCUIT_OPEN', 'OK']);
      const calls = () => fake.received.filter((x) => x.id.startsWith('cb-') && x.version === '3.4.0').length;
      expect(calls()).toBe(2);
      // After the cool-down one probe goes through (and fails again, reopening the circuit).
      await until(async () => {
        await c.infer({ model: 'demo', id: `cb-probe-${Date.now()}`, inputs: rows(1) });
        return fake.received.some((x) => x.id.startsWith('cb-probe-') && x.version === '3.4.0');
      }, 5000, 'a half-open probe');
    } finally {
      c.close();
    }
  });
});

describe('errors', () => {
  it('refuses requests without a model name or inputs with INVALID_ARGUMENT', async () => {
    await expectStatus(h.client.inferRaw({ modelName: '', modelVersion: '', id: '', parameters: {}, inputs: [], outputs: [], rawInputContents: [] }), status.INVALID_ARGUMENT, /model_name is required/);
    await expectStatus(h.client.inferRaw({ modelName: 'demo', modelVersion: '', id: '', parameters: {}, inputs: [], outputs: [], rawInputContents: [] }), status.INVALID_ARGUMENT, /no inputs/);
  });

  it('passes a member’s INVALID_ARGUMENT to the client without trying the fallback', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['3.5.0'], { fallback: ['1.0.0'] }));
    await expectStatus(h.client.infer({ model: 'demo', id: 'bad-input', inputs: rows(1) }), status.INVALID_ARGUMENT, /scripted INVALID_ARGUMENT/);
    expect(fake.received.filter((x) => x.id === 'bad-input').map((x) => x.version)).toEqual(['3.5.0']);
  });

  it('passes NOT_FOUND through for an unknown model', async () => {
    await expectStatus(h.client.infer({ model: 'demo', version: '7.7.7', inputs: rows(1) }), status.NOT_FOUND, /has no version '7.7.7'/);
  });

  it('refuses ensemble outputs it cannot produce', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'ensemble', ['bagging', '1.0.0', '1.1.0']));
    await expectStatus(h.client.infer({ model: 'demo', inputs: rows(1), outputs: ['logits'] }), status.INVALID_ARGUMENT, /not logits/);
  });
});

describe('the admin API', () => {
  const bad: [string, Policy | undefined, status, RegExp][] = [
    ['no policy', undefined, status.INVALID_ARGUMENT, /no policy given/],
    ['no kind', policy({}), status.INVALID_ARGUMENT, /set one of/],
    ['two kinds', policy({ single: { version: '1.0.0' }, pareto: { version: '2.0.0', armOutput: '' } }), status.INVALID_ARGUMENT, /single and pareto/],
    ['a negative weight', policyFromWords('demo', 'split', ['1.0.0=-1', '1.1.0=2']), status.INVALID_ARGUMENT, /weight -1/],
    ['weights summing to 0', policyFromWords('demo', 'split', ['1.0.0=0', '1.1.0=0']), status.INVALID_ARGUMENT, /sum to 0/],
    ['a share above 1', policyFromWords('demo', 'shadow', ['1.0.0', '1.1.0'], { share: 1.5 }), status.INVALID_ARGUMENT, /share 1.5 is outside/],
    ['a one-member ensemble', policy({ ensemble: { members: ['1.0.0'], strategy: EnsembleStrategy.BAGGING, stageWeights: [], metaModel: '', metaVersion: '' } }), status.INVALID_ARGUMENT, /2 to 16 members/],
    ['stage weights not matching members', policyFromWords('demo', 'ensemble', ['boosting', '1.0.0', '1.1.0'], { weights: [1] }), status.INVALID_ARGUMENT, /2 members but 1 stage weights/],
    ['a version that is not semver', policyFromWords('demo', 'single', ['latest']), status.INVALID_ARGUMENT, /"latest" is not a semantic version/],
    ['a version not in the registry', policyFromWords('demo', 'split', ['1.0.0=1', '9.9.9=1']), status.NOT_FOUND, /demo@9.9.9 is not in the registry/],
    ['a fallback not in the registry', policyFromWords('demo', 'single', ['1.0.0'], { fallback: ['8.8.8'] }), status.NOT_FOUND, /fallback demo@8.8.8/],
    ['a pareto version that is not a composite', policyFromWords('demo', 'pareto', ['1.0.0']), status.FAILED_PRECONDITION, /needs a composite version/],
    ['a composite without the arm output', policyFromWords('demo', 'pareto', ['2.0.0'], { armOutput: 'gate' }), status.FAILED_PRECONDITION, /has no output 'gate'/],
    ['a meta-model with other inputs', policyFromWords('demo', 'ensemble', ['stacking', '1.0.0', '1.1.0'], { meta: '1.0.0' }), status.FAILED_PRECONDITION, /takes input 'member_2'/],
  ];
  for (const [what, p, code, message] of bad) {
    it(`refuses a policy with ${what} (${status[code]}) and keeps the old one`, async () => {
      const before = await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['1.2.0']));
      await expectStatus(setPolicy(h, 'demo', p), code, message);
      const now = await getPolicy(h, 'demo');
      expect(now.revision).toBe(before.revision);
      expect((await h.client.infer({ model: 'demo', inputs: rows(1) })).version).toBe('1.2.0');
    });
  }

  it('refuses a policy for a model that is not in the registry with NOT_FOUND', async () => {
    await expectStatus(setPolicy(h, 'ghost', policyFromWords('ghost', 'single', ['1.0.0'])), status.NOT_FOUND, /model 'ghost' is not in the registry/);
    await expectStatus(setPolicy(h, 'bad name!', policyFromWords('x', 'single', ['1.0.0'])), status.INVALID_ARGUMENT, /invalid model name/);
  });

  it('applies a change only at the expected revision (ABORTED otherwise)', async () => {
    const cur = await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['1.0.0']));
    await expectStatus(setPolicy(h, 'demo', policyFromWords('demo', 'single', ['1.1.0']), cur.revision - 1), status.ABORTED, /is at revision/);
    expect((await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['1.1.0']), cur.revision)).revision).toBe(cur.revision + 1);
  });

  it('lists, reads and deletes policies; a deleted model goes back to its default version', async () => {
    await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['1.1.0']));
    const list = await listPolicies(h);
    expect(list.policies.map((p) => p.model)).toContain('demo');
    const del = await deletePolicy(h, 'demo');
    expect(del.deleted).toBe(true);
    await expectStatus(getPolicy(h, 'demo'), status.NOT_FOUND, /has no policy/);
    await expectStatus(deletePolicy(h, 'demo'), status.NOT_FOUND, /has no policy/);
    expect((await h.client.infer({ model: 'demo', inputs: rows(1) })).version).toBe('9.0.0');
  });

  it('brings a router started later to the same policies, and applies new ones on every router', async () => {
    const set = await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['1.2.0']));
    const late = await h.another();
    await until(() => late.store.latest('demo')?.revision === set.revision, 5000, 'the late router to catch up');
    const next = await setPolicy(h, 'demo', policyFromWords('demo', 'single', ['1.0.0']));
    await until(() => late.store.latest('demo')?.revision === next.revision, 5000, 'the late router to apply the change');
    const c = new InferenceClient(`127.0.0.1:${late.grpcPort}`);
    expect((await c.infer({ model: 'demo', inputs: rows(1) })).version).toBe('1.0.0');
    c.close();
  });

  it('changes policies under load without failing a single request', async () => {
    const policies = [
      policyFromWords('demo', 'single', ['1.0.0']),
      policyFromWords('demo', 'split', ['1.0.0=50', '1.1.0=50'], { sticky: 'user_id' }),
      policyFromWords('demo', 'ensemble', ['bagging', '1.0.0', '1.1.0', '1.2.0']),
      policyFromWords('demo', 'shadow', ['1.1.0', '1.2.0'], { share: 0.5 }),
    ];
    let stop = false;
    let ok = 0;
    const errors: unknown[] = [];
    const loops = Array.from({ length: 8 }, async (_, k) => {
      while (!stop) {
        try {
          await h.client.infer({ model: 'demo', inputs: rows(2), parameters: { user_id: `load-${k}-${ok % 7}` } });
          ok++;
        } catch (err) {
          errors.push(err);
        }
      }
    });
    for (let i = 0; i < 20; i++) await setPolicy(h, 'demo', policies[i % policies.length]);
    stop = true;
    await Promise.all(loops);
    expect(errors).toEqual([]);
    expect(ok).toBeGreaterThan(20);
  });
});
