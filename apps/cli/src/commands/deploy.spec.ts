import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EnsembleStrategy, Topics } from '@ratchet/contracts';
import { type EventBus, createMemoryBus } from '@ratchet/bus';
import { FileRegistry } from '@ratchet/registry';
import { type RouterService, defaultRouterSettings, startRouterService } from '@ratchet/router';
import { createMetricsRegistry, silentLogger } from '@ratchet/service-kit';
import { policyFromDeployArgs, registerDeploy } from './deploy.js';
import { registerPolicies } from './policies.js';

/** Runs `ratchet <argv…>` in process and returns what it printed. */
async function ratchet(...argv: string[]): Promise<string> {
  const program = new Command('ratchet').exitOverride();
  registerDeploy(program);
  registerPolicies(program);
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'ratchet', ...argv]);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

describe('ratchet deploy and ratchet policies', () => {
  let dir: string;
  let bus: EventBus;
  let router: RouterService;
  let address: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-deploy-'));
    const registry = new FileRegistry({ root: dir });
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) await registry.publish({ model: 'demo', version: v, artifact: Uint8Array.of(1) });
    bus = createMemoryBus();
    await bus.ensureTopics(Object.values(Topics));
    router = await startRouterService(
      { ...defaultRouterSettings, grpcPort: 0, httpPort: -1, members: { default: ['127.0.0.1:1'] } },
      { registry, bus, metrics: createMetricsRegistry({ serviceName: 'router-test' }), logger: silentLogger },
    );
    address = `127.0.0.1:${router.grpcPort}`;
  });

  afterAll(async () => {
    await router?.stop();
    await bus?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sets a sticky canary split and shows it', async () => {
    const out = await ratchet('deploy', 'demo', 'split', '1.0.0=90', '1.1.0=10', '--sticky', 'user_id', '--fallback', '1.0.0', '--router', address);
    expect(out).toMatch(/^demo {2}rev 1 {2}split 1\.0\.0=90 1\.1\.0=10 sticky=user_id; fallback 1\.0\.0 {2}\(by /);
    expect(router.store.policy('demo')?.split?.arms.map((a) => a.weight)).toEqual([90, 10]);
    expect(await ratchet('policies', '--router', address)).toMatch(/demo {2}rev 1 {2}split/);
  });

  it('builds every policy kind from its words', async () => {
    expect((await policyFromDeployArgs('demo', 'single', ['1.2.0'], {})).single?.version).toBe('1.2.0');
    const shadow = await policyFromDeployArgs('demo', 'shadow', ['1.0.0', '1.1.0'], { share: 0.2 });
    expect(shadow.shadow).toEqual({ primary: '1.0.0', mirror: '1.1.0', share: 0.2, mirrorDeadlineMs: 0 });
    const boost = await policyFromDeployArgs('demo', 'ensemble', ['boosting', '1.0.0', '1.1.0'], { weights: '1,0.5' });
    expect(boost.ensemble?.strategy).toBe(EnsembleStrategy.BOOSTING);
    expect(boost.ensemble?.stageWeights).toEqual([1, 0.5]);
    const stack = await policyFromDeployArgs('demo', 'ensemble', ['stacking', '1.0.0', '1.1.0'], { meta: '2.0.0' });
    expect([stack.ensemble?.metaModel, stack.ensemble?.metaVersion]).toEqual(['demo-meta', '2.0.0']);
    expect((await policyFromDeployArgs('demo', 'pareto', ['3.0.0'], {})).pareto?.version).toBe('3.0.0');
    await expect(policyFromDeployArgs('demo', 'split', ['1.0.0:90'], {})).rejects.toThrow(/not version=weight/);
    await expect(policyFromDeployArgs('demo', 'ensemble', ['mean', '1.0.0', '1.1.0'], {})).rejects.toThrow(/unknown ensemble strategy/);
  });

  it('reads a split over ensembles from a JSON file', async () => {
    const file = join(dir, 'policy.json');
    const ensemble = (strategy: string) => ({ ensemble: { members: ['1.0.0', '1.1.0', '1.2.0'], strategy } });
    await writeFile(file, JSON.stringify({ split: { arms: [{ name: 'bag', weight: 1, policy: ensemble('BAGGING') }, { name: 'vote', weight: 1, policy: ensemble('VOTE') }] } }));
    const out = await ratchet('deploy', 'demo', '--file', file, '--router', address);
    expect(out).toMatch(/split bag=1 \[ensemble bagging 1\.0\.0 1\.1\.0 1\.2\.0\] vote=1 \[ensemble vote/);
  });

  it('reports a refused policy with its status and message', async () => {
    await expect(ratchet('deploy', 'demo', 'single', '9.9.9', '--router', address)).rejects.toThrow(/^NOT_FOUND: policy for 'demo': version demo@9\.9\.9 is not in the registry/);
    await expect(ratchet('deploy', 'demo', 'shadow', '1.0.0', '1.1.0', '--share', '2', '--router', address)).rejects.toThrow(/^INVALID_ARGUMENT: .*share 2 is outside/);
  });

  it('deletes a policy, after which the model has none', async () => {
    expect(await ratchet('deploy', 'demo', '--delete', '--router', address)).toMatch(/deleted \(default version\)/);
    await expect(ratchet('policies', 'demo', '--router', address)).rejects.toThrow(/^NOT_FOUND: model 'demo' has no policy/);
  });
});
