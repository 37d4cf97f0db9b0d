import { type ServiceError, credentials, status } from '@grpc/grpc-js';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthClient, eventTensorElements } from '@ratchet/contracts';
import { buildInferRequest } from '@ratchet/inference-client';
import { demoModel } from '@ratchet/ml';
import { type Telemetry, startTelemetry } from '@ratchet/service-kit';
import { type Harness, demoColumns, sharedDemoModel, startHarness, until } from './harness.js';

async function expectStatus(p: Promise<unknown>, code: status, message: RegExp): Promise<void> {
  const err = (await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  )) as ServiceError;
  expect(status[err.code]).toBe(status[code]);
  expect(err.details).toMatch(message);
}

let telemetry: Telemetry;
beforeAll(() => {
  // As every Ratchet process does: a tracer provider and the W3C propagator, no exporter.
  telemetry = startTelemetry({ serviceName: 'prediction-e2e', exporter: { kind: 'none' } });
});
afterAll(() => telemetry.shutdown());

describe('the prediction service over gRPC', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ maxRequestBytes: 64 * 1024 });
  });
  afterAll(() => h.close());

  it('answers the server and model status RPCs', async () => {
    expect(await h.client.serverLive()).toBe(true);
    expect(await h.client.serverReady()).toBe(true);
    expect(await h.client.modelReady('demo')).toBe(true);
    expect(await h.client.modelReady('demo', '1.0.0')).toBe(true);
    expect(await h.client.modelReady('nope')).toBe(false);
    const server = await h.client.serverMetadata();
    expect(server.name).toBe('ratchet-prediction');
    const meta = await h.client.modelMetadata('demo');
    expect(meta.platform).toBe('onnxruntime_onnx');
    expect(meta.versions).toEqual(['1.0.0']);
    expect(meta.inputs.map((i) => `${i.name}:${i.datatype}`).sort()).toEqual(
      ['color:BYTES', 'region:BYTES', 'x1:FP32', 'x2:FP32', 'x3:FP32'],
    );
    expect(meta.outputs.map((o) => o.name).sort()).toEqual(['label', 'probabilities']);
  });

  it('serves grpc.health.v1 and the HTTP health and metrics endpoints', async () => {
    const health = new HealthClient(`127.0.0.1:${h.service.grpcPort}`, credentials.createInsecure());
    const res = await new Promise<{ status: number }>((resolve, reject) =>
      health.check({ service: '' }, (err, r) => (err ? reject(err) : resolve(r))),
    );
    health.close();
    expect(res.status).toBe(1); // SERVING
    const base = `http://127.0.0.1:${h.service.httpPort}`;
    expect((await fetch(`${base}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/v2/health/ready`)).status).toBe(200);
    await h.client.infer({ model: 'demo', inputs: demoColumns(2) });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/ratchet_prediction_requests_total\{[^}]*model="demo"[^}]*code="OK"[^}]*\} [1-9]/);
    expect(text).toContain('ratchet_prediction_request_duration_seconds_bucket');
  });

  it('gives the same probabilities as onnxruntime in-process, raw or typed', async () => {
    const rows = 40;
    const cols = demoColumns(rows, { nanAt: 3 });
    const session = await InferenceSession.create(sharedDemoModel().onnx);
    const feeds: Record<string, Tensor> = {};
    for (const c of cols) {
      feeds[c.name] =
        c.datatype === 'FP32'
          ? new Tensor('float32', c.values as Float32Array, [rows, 1])
          : new Tensor('string', c.values as string[], [rows, 1]);
    }
    const expected = (await session.run(feeds))['probabilities']?.data as Float32Array;
    await session.release();
    for (const encoding of ['raw', 'typed'] as const) {
      const res = await h.client.infer({ model: 'demo', inputs: cols, encoding, id: `req-${encoding}` });
      expect(res.version).toBe('1.0.0');
      expect(res.id).toBe(`req-${encoding}`);
      expect(Array.from(res.output('probabilities').data as Float32Array)).toEqual(Array.from(expected));
      expect(res.output('label').shape).toEqual([rows]);
    }
  });

  it('returns only the outputs a request asks for', async () => {
    const res = await h.client.infer({ model: 'demo', inputs: demoColumns(3), outputs: ['label'] });
    expect(res.outputs.map((o) => o.name)).toEqual(['label']);
    await expectStatus(
      h.client.infer({ model: 'demo', inputs: demoColumns(1), outputs: ['nope'] }),
      status.INVALID_ARGUMENT,
      /unknown output 'nope'/,
    );
  });

  it('refuses bad requests with a precise status and message', async () => {
    const cols = demoColumns(2);
    const infer = (inputs: Parameters<typeof h.client.infer>[0]['inputs'], extra: { model?: string; version?: string } = {}) =>
      h.client.infer({ model: extra.model ?? 'demo', ...(extra.version ? { version: extra.version } : {}), inputs });
    await expectStatus(infer(cols, { model: 'nope' }), status.NOT_FOUND, /model 'nope' is not served here/);
    await expectStatus(infer(cols, { version: '9.9.9' }), status.NOT_FOUND, /model 'demo' has no version '9.9.9'/);
    await expectStatus(infer(cols.filter((c) => c.name !== 'x2')), status.INVALID_ARGUMENT, /missing input 'x2'/);
    await expectStatus(
      infer([...cols, { name: 'bogus', datatype: 'FP32', values: [1, 2] }]),
      status.INVALID_ARGUMENT,
      /unknown input 'bogus'/,
    );
    await expectStatus(
      infer(cols.map((c) => (c.name === 'x1' ? { ...c, datatype: 'FP64' as const } : c))),
      status.INVALID_ARGUMENT,
      /input 'x1' must be FP32, got FP64/,
    );
    await expectStatus(
      infer(cols.map((c) => (c.name === 'x1' ? { ...c, shape: [1, 2] } : c))),
      status.INVALID_ARGUMENT,
      /must have shape \[-1,1\], got \[1,2\]/,
    );
    await expectStatus(
      infer(cols.map((c) => (c.name === 'x3' ? { ...c, values: Float32Array.from([1, 2, 3]), shape: [2, 1] } : c))),
      status.INVALID_ARGUMENT,
      /input 'x3': raw content has 12 bytes, expected 8/,
    );
    await expectStatus(
      infer(cols.map((c) => (c.name === 'color' ? { ...c, values: ['red'], shape: [1, 1] } : c))),
      status.INVALID_ARGUMENT,
      /inputs disagree on the batch size/,
    );
    await expectStatus(
      infer(cols.map((c) => (c.name === 'x1' ? { ...c, values: Float32Array.from([1, Number.POSITIVE_INFINITY]) } : c))),
      status.INVALID_ARGUMENT,
      /input 'x1' has Infinity at element 1/,
    );
    await expectStatus(infer(demoColumns(3000)), status.INVALID_ARGUMENT, /over the limit of 65536 bytes/);
    const noName = buildInferRequest({ model: '', inputs: cols });
    await expectStatus(h.client.inferRaw(noName), status.INVALID_ARGUMENT, /model_name is required/);
    // The server is still healthy after all of that.
    expect((await h.client.infer({ model: 'demo', inputs: cols })).version).toBe('1.0.0');
  });

  it('refuses NaN where the model does not accept missing values', async () => {
    await h.publishDemo('strict', '1.0.0', sharedDemoModel(), false);
    await until(() => h.client.modelReady('strict'), 10_000, 'strict model to load');
    await expectStatus(
      h.client.infer({ model: 'strict', inputs: demoColumns(4, { nanAt: 2 }) }),
      status.INVALID_ARGUMENT,
      /input 'x1' has NaN at element 2; this input does not accept missing values/,
    );
    // The demo model imputes, so the same request is fine there.
    expect((await h.client.infer({ model: 'demo', inputs: demoColumns(4, { nanAt: 2 }) })).version).toBe('1.0.0');
  });

  it('logs every prediction with its request id, tensors and the caller trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const metadata = { traceparent: `00-${traceId}-00f067aa0ba902b7-01` };
    await h.client.infer({ model: 'demo', inputs: demoColumns(5), id: 'logged-1', metadata });
    await until(() => h.logged.some((l) => l.record.requestId === 'logged-1'), 5_000, 'prediction record');
    const entry = h.logged.find((l) => l.record.requestId === 'logged-1');
    expect(entry?.record).toMatchObject({ model: 'demo', version: '1.0.0', rows: 5, traceId });
    expect(entry?.record.inputs.map((t) => t.name).sort()).toEqual(['color', 'region', 'x1', 'x2', 'x3']);
    const probs = entry?.record.outputs.find((t) => t.name === 'probabilities');
    expect(probs && eventTensorElements(probs)).toHaveLength(10);
    const x1 = entry?.record.inputs.find((t) => t.name === 'x1');
    expect(x1 && Array.from(eventTensorElements(x1) as Float32Array)).toEqual(Array.from(demoColumns(5)[0]?.values as Float32Array));
    expect(entry?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('merges concurrent requests into one onnxruntime run and splits the answers back', async () => {
    const singles = await Promise.all(
      Array.from({ length: 8 }, (_, i) => h.client.infer({ model: 'demo', inputs: demoColumns(i + 1) })),
    );
    const text = await h.metrics.metrics();
    const count = Number(/ratchet_prediction_batch_rows_count\{[^}]*model="demo"[^}]*\} (\d+)/.exec(text)?.[1]);
    const sum = Number(/ratchet_prediction_batch_rows_sum\{[^}]*model="demo"[^}]*\} (\d+)/.exec(text)?.[1]);
    // More rows than runs means some runs carried several requests.
    expect(sum / count).toBeGreaterThan(1);
    for (const [i, merged] of singles.entries()) {
      const alone = await h.client.infer({ model: 'demo', inputs: demoColumns(i + 1) });
      expect(Array.from(merged.output('probabilities').data as Float32Array)).toEqual(
        Array.from(alone.output('probabilities').data as Float32Array),
      );
    }
  });
});

describe('hot swap', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('moves traffic to a new version under load with zero failed requests', async () => {
    const v2 = demoModel({ nRows: 1500, seed: 11, shift: 0.3 });
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const versions = new Set<string>();
    const worker = async () => {
      while (!stop) {
        try {
          const r = await h.client.infer({ model: 'demo', inputs: demoColumns(3) });
          versions.add(r.version);
          ok++;
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await until(() => ok > 50, 10_000, 'warm-up traffic');
    await h.publishDemo('demo', '1.1.0', v2);
    await until(() => versions.has('1.1.0'), 15_000, 'traffic on 1.1.0');
    const after = ok;
    await until(() => ok > after + 50, 10_000, 'traffic after the swap');
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect([...versions].sort()).toEqual(['1.0.0', '1.1.0']);
    expect(h.service.host.currentVersion('demo')).toBe('1.1.0');
    // Both stay addressable by version.
    expect((await h.client.infer({ model: 'demo', version: '1.0.0', inputs: demoColumns(1) })).version).toBe('1.0.0');
  });

  it('refuses a corrupt artifact and keeps serving the previous version', async () => {
    const before = h.service.host.currentVersion('demo');
    await h.registry.publish({ model: 'demo', version: '2.0.0', artifact: new TextEncoder().encode('not an onnx graph') });
    await until(async () => /ratchet_prediction_model_load_failures_total\{[^}]*model="demo"[^}]*\} 1/.test(await h.metrics.metrics()), 10_000, 'load failure metric');
    expect(h.service.host.currentVersion('demo')).toBe(before);
    expect((await h.client.infer({ model: 'demo', inputs: demoColumns(2) })).version).toBe(before);
    await expectStatus(
      h.client.infer({ model: 'demo', version: '2.0.0', inputs: demoColumns(1) }),
      status.NOT_FOUND,
      /cannot be served: .*onnxruntime refused the graph/,
    );
  });

  it('refuses a version whose graph does not match its manifest', async () => {
    const m = sharedDemoModel();
    await h.registry.publish({
      model: 'demo',
      version: '2.1.0',
      artifact: m.onnx,
      manifest: { inputs: [{ name: 'x1', datatype: 'BYTES', shape: [-1, 1], allowNan: false }] },
    });
    await until(async () => /ratchet_prediction_model_load_failures_total\{[^}]*model="demo"[^}]*\} 2/.test(await h.metrics.metrics()), 10_000, 'second load failure');
    expect(h.service.host.currentVersion('demo')).toBe('1.1.0');
  });
});

describe('shutdown', () => {
  it('finishes the requests in flight before it stops', async () => {
    // A long queue delay holds requests inside the server, so they are surely in flight.
    const h = await startHarness({ batching: { enabled: true, maxBatchRows: 256, maxQueueDelayMs: 300 } });
    try {
      const entry = await h.service.host.resolve('demo', '');
      const inflight = Array.from({ length: 16 }, () => h.client.infer({ model: 'demo', inputs: demoColumns(4) }));
      await until(() => entry.version.inflightRequests === 16, 5_000, '16 requests in flight');
      const stopped = h.service.stop();
      const results = await Promise.allSettled(inflight);
      await stopped;
      expect(results.map((r) => r.status)).toEqual(new Array(16).fill('fulfilled'));
      expect(await h.client.serverLive().catch((e: ServiceError) => status[e.code])).toBe('UNAVAILABLE');
    } finally {
      await h.close();
    }
  });
});

describe('versions kept loaded', () => {
  it('serves any requested version when more versions are used than the limit keeps loaded', async () => {
    const h = await startHarness({ maxVersionsPerModel: 2 });
    try {
      const m = sharedDemoModel();
      await h.publishDemo('demo', '1.1.0', m);
      await h.publishDemo('demo', '1.2.0', m);
      await until(() => h.service.host.currentVersion('demo') === '1.2.0', 10_000, 'demo@1.2.0');
      // Round-robin over three versions with room for two: every request still gets its version.
      for (let round = 0; round < 3; round++) {
        for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
          const r = await h.client.infer({ model: 'demo', version, inputs: demoColumns(2) });
          expect(r.version).toBe(version);
        }
      }
      expect(h.service.host.loadedVersions('demo').length).toBeLessThanOrEqual(2);
      expect(h.service.host.loadedVersions('demo')).toContain('1.2.0');
    } finally {
      await h.close();
    }
  });
});
