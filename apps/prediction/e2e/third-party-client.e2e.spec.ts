import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, demoColumns, startHarness } from './harness.js';
import { TRITON_CLIENT, thirdPartyPython } from './third-party/python-env.js';

const here = dirname(fileURLToPath(import.meta.url));

interface TritonView {
  live: boolean;
  ready: boolean;
  model_ready: boolean;
  server: { name: string };
  metadata: { name: string; platform: string; inputs: { name: string; datatype: string; shape: string[] }[] };
  response_id: string;
  model_version: string;
  probabilities: number[][];
  label: number[];
  unknown_model_error: { status: string; message: string } | null;
}

function runPython(python: string, script: string, input: unknown): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve({ stdout, stderr }));
    child.stdin.end(JSON.stringify(input));
  });
}

describe(`an unmodified third-party OIP client (${TRITON_CLIENT})`, () => {
  let h: Harness;
  let python: string;
  beforeAll(async () => {
    python = thirdPartyPython();
    h = await startHarness();
  }, 300_000);
  afterAll(() => h.close());

  it('reads status and metadata, infers, and gets NOT_FOUND for an unknown model', async () => {
    const rows = 6;
    const cols = demoColumns(rows, { nanAt: 1 });
    const columns = Object.fromEntries(
      cols.map((c) => [c.name, Array.from(c.values as ArrayLike<number | string>, (v) => (typeof v === 'number' && Number.isNaN(v) ? null : v))]),
    );
    // Async: the server under test shares this process's event loop.
    const run = await runPython(python, join(here, 'third-party', 'triton_grpc_check.py'), {
      url: `127.0.0.1:${h.service.grpcPort}`,
      model: 'demo',
      columns,
    });
    expect(run.stderr).toBe('');
    const seen = JSON.parse(run.stdout) as TritonView;
    expect(seen).toMatchObject({ live: true, ready: true, model_ready: true, response_id: 'triton-client-1', model_version: '1.0.0' });
    expect(seen.server.name).toBe('ratchet-prediction');
    expect(seen.metadata.platform).toBe('onnxruntime_onnx');
    expect(seen.metadata.inputs.find((i) => i.name === 'x1')).toEqual({ name: 'x1', datatype: 'FP32', shape: ['-1', '1'] });
    const ours = await h.client.infer({ model: 'demo', inputs: cols });
    const expected = ours.output('probabilities').data as Float32Array;
    expect(seen.probabilities.flat()).toEqual(Array.from(expected));
    expect(seen.label).toEqual(Array.from(ours.output('label').data as BigInt64Array, Number));
    expect(seen.unknown_model_error?.status).toBe('StatusCode.NOT_FOUND');
    expect(seen.unknown_model_error?.message).toMatch(/no-such-model/);
  });
});
