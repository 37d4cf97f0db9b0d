import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelVersionPublished } from '@ratchet/contracts';
import { FileRegistry, sha256Hex } from './file-registry.js';
import { RegistryError } from './errors.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the filesystem registry', () => {
  let root: string;
  let events: ModelVersionPublished[];
  let registry: FileRegistry;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-registry-'));
    events = [];
    registry = new FileRegistry({ root, onPublished: (e) => void events.push(e), now: () => 1_700_000_000_000 });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores a version with its sha256 and announces it', async () => {
    const artifact = bytes('onnx-bytes');
    const rec = await registry.publish({
      model: 'income',
      version: '1.0.0',
      artifact,
      manifest: { metrics: { accuracy: 0.85 }, inputs: [{ name: 'age', datatype: 'FP32', shape: [-1, 1], allowNan: true }] },
    });
    expect(rec.sha256).toBe(sha256Hex(artifact));
    expect(rec.sizeBytes).toBe(artifact.byteLength);
    expect(rec.manifest.model).toBe('income');
    expect(rec.manifest.format).toBe('onnx');
    expect(rec.manifest.metrics).toEqual({ accuracy: 0.85 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ model: 'income', version: '1.0.0', sha256: rec.sha256 });
    expect(new Uint8Array(await registry.readArtifact(rec))).toEqual(artifact);
    const again = await registry.get('income', '1.0.0');
    expect(again?.manifest.inputs[0]).toEqual({ name: 'age', datatype: 'FP32', shape: [-1, 1], allowNan: true });
  });

  it('lists versions in semver order and finds the latest', async () => {
    for (const v of ['1.10.0', '1.2.0', '1.9.1', '2.0.0-rc.1']) {
      await registry.publish({ model: 'm', version: v, artifact: bytes(v) });
    }
    await registry.publish({ model: 'other', version: '0.1.0', artifact: bytes('o') });
    expect(await registry.versions('m')).toEqual(['1.2.0', '1.9.1', '1.10.0', '2.0.0-rc.1']);
    expect((await registry.latest('m'))?.version).toBe('2.0.0-rc.1');
    expect(await registry.models()).toEqual(['m', 'other']);
    expect((await registry.list()).map((r) => `${r.model}@${r.version}`)).toHaveLength(5);
    expect(await registry.latest('missing')).toBeUndefined();
  });

  it('refuses to overwrite a published version', async () => {
    await registry.publish({ model: 'm', version: '1.0.0', artifact: bytes('a') });
    await expect(registry.publish({ model: 'm', version: '1.0.0', artifact: bytes('b') })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(events).toHaveLength(1);
  });

  it('keeps exactly one whole version when two publishers race for it', async () => {
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((x) => registry.publish({ model: 'race', version: '1.0.0', artifact: bytes(x) })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rec = await registry.get('race', '1.0.0');
    expect(rec).toBeDefined();
    if (rec) expect(sha256Hex(await registry.readArtifact(rec))).toBe(rec.sha256);
    // No temporary folders are left behind.
    expect((await readdir(join(root, 'race'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('ignores a half-written temporary folder left by a crash', async () => {
    await registry.publish({ model: 'm', version: '1.0.0', artifact: bytes('a') });
    await writeFile(join(root, 'm', '.tmp-1.1.0-crashed'), 'partial');
    expect(await registry.versions('m')).toEqual(['1.0.0']);
  });

  it('detects an artifact that changed on disk', async () => {
    const rec = await registry.publish({ model: 'm', version: '1.0.0', artifact: bytes('good') });
    await writeFile(rec.artifactPath, 'tampered');
    await expect(registry.readArtifact(rec)).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('rejects bad names, bad versions and empty artifacts with a clear message', async () => {
    await expect(registry.publish({ model: '../etc', version: '1.0.0', artifact: bytes('x') })).rejects.toThrow(
      /invalid model name/,
    );
    await expect(registry.publish({ model: 'm', version: 'latest', artifact: bytes('x') })).rejects.toThrow(
      /invalid version "latest"/,
    );
    await expect(registry.publish({ model: 'm', version: '1.0.0', artifact: new Uint8Array() })).rejects.toBeInstanceOf(
      RegistryError,
    );
  });
});

describe('registry tracing', () => {
  it('records a registry.publish span around the store and the announcement', async () => {
    const { startTelemetry, readSpanFile } = await import('@ratchet/service-kit');
    const root = await mkdtemp(join(tmpdir(), 'ratchet-registry-trace-'));
    const traceFile = join(root, 'traces.jsonl');
    const telemetry = startTelemetry({ serviceName: 'registry-test', exporter: { kind: 'file', path: traceFile }, processor: 'simple' });
    let announcedIn: string | undefined;
    try {
      const { trace } = await import('@opentelemetry/api');
      const registry = new FileRegistry({
        root,
        onPublished: () => void (announcedIn = trace.getActiveSpan()?.spanContext().spanId),
      });
      await registry.publish({ model: 'm', version: '1.0.0', artifact: bytes('x') });
    } finally {
      await telemetry.shutdown();
    }
    const spans = await readSpanFile(traceFile);
    const publish = spans.find((s) => s.name === 'registry.publish');
    expect(publish?.attributes).toMatchObject({ 'ratchet.model': 'm', 'ratchet.version': '1.0.0' });
    expect(announcedIn).toBe(publish?.spanId);
    await rm(root, { recursive: true, force: true });
  });
});
