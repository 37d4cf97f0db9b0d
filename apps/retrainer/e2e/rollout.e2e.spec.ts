import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArmComparison, MetricsReport, Policy, type RolloutEvent, RolloutEventKind, Topics, WindowKind } from '@ratchet/contracts';
import { type EventBus, createMemoryBus } from '@ratchet/bus';
import { FileRegistry } from '@ratchet/registry';
import { type RouterService, defaultRouterSettings, startRouterService } from '@ratchet/router';
import { createLogger } from '@ratchet/service-kit';
import { RolloutController, type RouterAdminPort, RolloutStateStore, defaultRolloutControllerSettings, grpcRouterAdmin } from '../src/index.js';

const MODEL = 'demo';
const logger = createLogger({ name: 'rollout-e2e', level: 'silent' });

/** Resolves when `predicate` holds, polling on the event loop; rejects after `timeoutMs`. */
async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** What the monitor would publish for the canary arm: its comparison against the stable arm. */
function report(stable: string, canary: string, o: { ns: number; nc: number; ps: number; pc: number }): MetricsReport {
  return MetricsReport.fromPartial({
    model: MODEL,
    version: canary,
    arm: canary,
    windowKind: WindowKind.WINDOW_KIND_COUNT,
    windowStartMs: Date.now(),
    windowEndMs: Date.now(),
    count: o.nc,
    metrics: { accuracy: o.pc },
    comparisons: [
      ArmComparison.fromPartial({
        baselineArm: stable,
        baselineVersion: stable,
        arm: canary,
        version: canary,
        metric: 'accuracy',
        baselineValue: o.ps,
        value: o.pc,
        difference: o.pc - o.ps,
        baselineCount: o.ns,
        count: o.nc,
      }),
    ],
    monitorId: 'e2e',
  });
}

describe('canary rollouts through a real router', () => {
  let root: string;
  let bus: EventBus;
  let router: RouterService;
  let admin: RouterAdminPort;
  let events: RolloutEvent[];
  const controllers: RolloutController[] = [];
  const original = Policy.fromPartial({ single: { version: '1.0.0' }, fallback: ['1.0.0'], memberDeadlineMs: 750 });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-rollout-e2e-'));
    const registry = new FileRegistry({ root: join(root, 'registry') });
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await registry.publish({ model: MODEL, version, artifact: Uint8Array.from([1, 2, 3]) });
    bus = createMemoryBus();
    await bus.ensureTopics(Object.values(Topics));
    router = await startRouterService({ ...defaultRouterSettings, grpcPort: 0, httpPort: 0 }, { registry, bus, metrics: new Registry(), logger });
    admin = grpcRouterAdmin(`127.0.0.1:${router.grpcPort}`);
  });

  afterAll(async () => {
    admin.close();
    await router.stop();
    await bus.close();
    await rm(root, { recursive: true, force: true });
  });

  let states: string;
  beforeEach(async () => {
    events = [];
    states = await mkdtemp(join(root, 'rollouts-'));
    const current = await admin.getPolicy(MODEL);
    await admin.setPolicy(MODEL, original, { expectedRevision: current ? Number(current.revision) : 0, updatedBy: 'e2e' });
  });

  afterEach(async () => {
    for (const c of controllers.splice(0)) await c.stop();
  });

  async function controller(group = 'e2e-rollouts'): Promise<RolloutController> {
    const c = new RolloutController(
      { ...defaultRolloutControllerSettings, groupId: group, criteria: { minSamplePerArm: 400, alpha: 0.05, tolerance: 0, timeoutMs: 600_000 } },
      { admin, bus, states: new RolloutStateStore(states), logger, emit: (e) => events.push(e) },
    );
    await c.start();
    controllers.push(c);
    return c;
  }

  const kinds = () => events.map((e) => RolloutEventKind[e.kind].replace('ROLLOUT_EVENT_KIND_', ''));
  const policyJson = async () => Policy.toJSON((await admin.getPolicy(MODEL))?.policy ?? Policy.fromPartial({}));

  it('promotes a healthy canary: the split becomes single canary and PROMOTED is emitted', async () => {
    const c = await controller();
    const state = await c.startRollout({ model: MODEL, canary: '1.1.0', share: 0.2 });
    expect(state.stable).toBe('1.0.0');
    expect((await admin.getPolicy(MODEL))?.policy?.split?.arms.map((a) => [a.version, a.weight])).toEqual([
      ['1.0.0', 0.8],
      ['1.1.0', 0.2],
    ]);
    const done = c.settled(MODEL);
    await bus.publish(Topics.metrics, report('1.0.0', '1.1.0', { ns: 1600, nc: 400, ps: 0.9, pc: 0.9 }));
    const end = await done;
    expect(kinds()).toEqual(['STARTED', 'PROMOTED']);
    expect(end).toMatchObject({ stable: '1.0.0', canary: '1.1.0', stableCount: 1600, canaryCount: 400 });
    expect(await policyJson()).toEqual(Policy.toJSON(Policy.fromPartial({ single: { version: '1.1.0' } })));
    expect(c.active()).toEqual([]);
  });

  it('rolls a regressing canary back to exactly the previous policy, with the evidence in the event', async () => {
    const c = await controller();
    await c.startRollout({ model: MODEL, canary: '1.1.0', stable: '1.0.0', share: 0.1 });
    await bus.publish(Topics.metrics, report('1.0.0', '1.1.0', { ns: 3600, nc: 300, ps: 0.9, pc: 0.5 }));
    await bus.publish(Topics.metrics, report('1.0.0', '1.1.0', { ns: 3600, nc: 400, ps: 0.9, pc: 0.8 }));
    await until(() => events.length === 2, 'the rollback');
    expect(kinds()).toEqual(['STARTED', 'ROLLED_BACK']);
    const back = events[1] as RolloutEvent;
    expect(back.difference).toBeCloseTo(-0.1, 12);
    expect(back.pValue).toBeLessThan(0.05);
    expect(back).toMatchObject({ stableCount: 3600, canaryCount: 400, canary: '1.1.0' });
    expect(await policyJson()).toEqual(Policy.toJSON(original));
  });

  it('a restarted controller resumes the persisted rollout and finishes it', async () => {
    const first = await controller('e2e-restart');
    await first.startRollout({ model: MODEL, canary: '1.2.0', share: 0.1 });
    // Too few rows: the first controller keeps waiting, then stops mid-rollout.
    await first.onReport(report('1.0.0', '1.2.0', { ns: 900, nc: 100, ps: 0.9, pc: 0.9 }));
    expect(first.active()).toHaveLength(1);
    await first.stop();
    const second = await controller('e2e-restart');
    expect(second.active().map((s) => [s.stable, s.canary])).toEqual([['1.0.0', '1.2.0']]);
    await bus.publish(Topics.metrics, report('1.0.0', '1.2.0', { ns: 3600, nc: 400, ps: 0.9, pc: 0.91 }));
    await until(() => events.length === 2, 'the promotion after the restart');
    expect(kinds()).toEqual(['STARTED', 'PROMOTED']);
    expect(await policyJson()).toEqual(Policy.toJSON(Policy.fromPartial({ single: { version: '1.2.0' } })));
  });

  it('a newer canary supersedes a rollout in progress, and its rollback restores the policy from before the first canary', async () => {
    const c = await controller();
    await c.startRollout({ model: MODEL, canary: '1.1.0', share: 0.1, jobId: 'job-1' });
    await c.startRollout({ model: MODEL, canary: '1.2.0', stable: '1.0.0', share: 0.1, jobId: 'job-2' });
    expect(kinds()).toEqual(['STARTED', 'ABORTED', 'STARTED']);
    expect((await admin.getPolicy(MODEL))?.policy?.split?.arms.map((a) => a.version)).toEqual(['1.0.0', '1.2.0']);
    await bus.publish(Topics.metrics, report('1.0.0', '1.2.0', { ns: 3600, nc: 400, ps: 0.9, pc: 0.7 }));
    await until(() => events.length === 4, 'the rollback of the second canary');
    expect(events[3]).toMatchObject({ kind: RolloutEventKind.ROLLOUT_EVENT_KIND_ROLLED_BACK, canary: '1.2.0', jobId: 'job-2' });
    expect(await policyJson()).toEqual(Policy.toJSON(original));
  });

  it('leaves a policy someone else changed during the rollout alone and ends with ABORTED', async () => {
    const c = await controller();
    const s = await c.startRollout({ model: MODEL, canary: '1.1.0', share: 0.1 });
    const manual = Policy.fromPartial({ single: { version: '1.2.0' } });
    await admin.setPolicy(MODEL, manual, { expectedRevision: s.splitRevision, updatedBy: 'operator' });
    await bus.publish(Topics.metrics, report('1.0.0', '1.1.0', { ns: 3600, nc: 400, ps: 0.9, pc: 0.9 }));
    await until(() => events.length === 2, 'the abort');
    expect(kinds()).toEqual(['STARTED', 'ABORTED']);
    expect(events[1]?.reason).toContain('operator');
    expect(await policyJson()).toEqual(Policy.toJSON(manual));
  });
});
