import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registryProfileSource } from '@ratchet/monitor';
import { FileRegistry } from '@ratchet/registry';
import { bootstrapModel } from './bootstrap-model.js';
import { agrawalSource } from './stream-source.js';

const source = (seed: number) => agrawalSource({ rows: 1000, driftAt: 500, drift: 'abrupt', driftWidth: 100, seed, trainRows: 800 });

describe('the bootstrap of the loop’s first version', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('publishes 1.0.0 with held-out metrics, its serving signature and a drift profile of the training rows', async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-bootstrap-'));
    const registry = new FileRegistry({ root });
    const b = await bootstrapModel(registry, source(1), 1);
    expect(b.trained).toBe(true);
    expect(b.record.version).toBe('1.0.0');
    expect(b.metrics?.accuracy).toBeGreaterThan(0.9);
    expect(b.record.manifest.inputs.map((i) => `${i.name}:${i.datatype}`)).toContain('elevel:BYTES');
    expect(b.record.manifest.inputs.map((i) => `${i.name}:${i.datatype}`)).toContain('age:FP32');
    // Read back as the monitor reads it.
    const profile = await registryProfileSource(registry)('agrawal', '1.0.0');
    if (!profile) throw new Error('no drift profile in the manifest');
    expect(Object.keys(profile.numeric)).toContain('age');
    expect(Object.keys(profile.categorical)).toContain('zipcode');
    expect(profile.labels?.count).toBe(800);
  });

  it('reuses the version of the same recipe on a rerun and publishes the next major for another', async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-bootstrap-'));
    const registry = new FileRegistry({ root });
    await bootstrapModel(registry, source(1), 1);
    const again = await bootstrapModel(registry, source(1), 1);
    expect(again).toMatchObject({ trained: false, record: { version: '1.0.0' } });
    const other = await bootstrapModel(registry, source(2), 2);
    expect(other).toMatchObject({ trained: true, record: { version: '2.0.0' } });
  });
});
