import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { InferenceClient, buildInferRequest, type ColumnInput } from '@ratchet/inference-client';
import { demoModel } from '@ratchet/ml';
import { FileRegistry } from '@ratchet/registry';
import { closedLoop } from '../load.js';
import { fmt, formatTable, summarize } from '../stats.js';

const here = dirname(fileURLToPath(import.meta.url));

/** One measured scenario. */
export interface Row {
  scenario: string;
  concurrency: number;
  rowsPerRequest: number;
  reqPerSec: number;
  rowsPerSec: number;
  p50us: number;
  p99us: number;
  errors: number;
}

/** Demo-model input columns for `rows` rows. */
export function columns(rows: number): ColumnInput[] {
  const colors = ['red', 'green', 'blue', 'black'];
  const f = (k: number) => Float32Array.from({ length: rows }, (_, i) => ((i * 13 + k * 7) % 11) / 4 - 1.3);
  return [
    { name: 'x1', datatype: 'FP32', values: f(1) },
    { name: 'x2', datatype: 'FP32', values: f(2) },
    { name: 'x3', datatype: 'FP32', values: f(3) },
    { name: 'color', datatype: 'BYTES', values: Array.from({ length: rows }, (_, i) => colors[i % 4] as string) },
    { name: 'region', datatype: 'BYTES', values: Array.from({ length: rows }, (_, i) => (i % 2 ? 'north' : 'west')) },
  ];
}

async function inProcess(onnx: Uint8Array, rows: number, durationMs: number): Promise<Row> {
  const session = await InferenceSession.create(onnx, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const feeds: Record<string, Tensor> = {};
  for (const c of columns(rows)) {
    feeds[c.name] = c.datatype === 'FP32' ? new Tensor('float32', c.values as Float32Array, [rows, 1]) : new Tensor('string', c.values as string[], [rows, 1]);
  }
  const r = await closedLoop(() => session.run(feeds), { concurrency: 1, durationMs, warmupMs: 500 });
  await session.release();
  const s = summarize(r.latenciesUs);
  return { scenario: `in-process ORT session.run`, concurrency: 1, rowsPerRequest: rows, reqPerSec: r.requests / r.seconds, rowsPerSec: (r.requests * rows) / r.seconds, p50us: s.p50, p99us: s.p99, errors: r.errors };
}

/** Starts a bench server script (relative to this folder) in a child process; resolves with its gRPC port. */
export async function startServer(registry: string, env: Record<string, string>, script = 'server.js'): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(here, script)], {
    env: { ...process.env, BENCH_REGISTRY: registry, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve((JSON.parse(line) as { grpcPort: number }).grpcPort);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, port };
}

/** Stops a bench server child with SIGTERM and waits for it to exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Closed-loop load of one-row (or `rows`-row) demo requests against an OIP server on `port`. */
export async function overGrpc(port: number, scenario: string, concurrency: number, rows: number, durationMs: number): Promise<Row> {
  // One channel per 8 concurrent callers, as a pooled client would hold.
  const clients = Array.from({ length: Math.max(1, Math.ceil(concurrency / 8)) }, () => new InferenceClient(`127.0.0.1:${port}`));
  const req = buildInferRequest({ model: 'demo', inputs: columns(rows) });
  let next = 0;
  const r = await closedLoop(() => (clients[next++ % clients.length] as InferenceClient).inferRaw(req), { concurrency, durationMs, warmupMs: 500 });
  for (const c of clients) c.close();
  const s = summarize(r.latenciesUs);
  if (r.firstError) process.stderr.write(`  ${scenario} c=${concurrency}: first error: ${r.firstError}\n`);
  return { scenario, concurrency, rowsPerRequest: rows, reqPerSec: r.requests / r.seconds, rowsPerSec: (r.requests * rows) / r.seconds, p50us: s.p50, p99us: s.p99, errors: r.errors };
}

/** `npm run bench -- prediction`: serving throughput and latency against in-process onnxruntime. */
export async function predictionBench(options: { durationMs: number }): Promise<{ rows: Row[]; table: string }> {
  const d = options.durationMs;
  const root = await mkdtemp(join(tmpdir(), 'ratchet-bench-prediction-'));
  const m = demoModel();
  await new FileRegistry({ root }).publish({
    model: 'demo',
    version: '1.0.0',
    artifact: m.onnx,
    manifest: { inputs: m.inputs.map((i) => ({ ...i, shape: [...i.shape] })) },
  });
  const rows: Row[] = [];
  const progress = (r: Row) => {
    rows.push(r);
    process.stderr.write(`  ${r.scenario} c=${r.concurrency} rows=${r.rowsPerRequest}: ${fmt(r.reqPerSec)} req/s, p50 ${fmt(r.p50us)} µs\n`);
  };
  progress(await inProcess(m.onnx, 1, d));
  progress(await inProcess(m.onnx, 64, d));
  {
    const { child, port } = await startServer(root, {}, 'echo-server.js');
    const label = 'gRPC transport floor (canned answer, no model)';
    for (const c of [1, 8, 64]) progress(await overGrpc(port, label, c, 1, d));
    progress(await overGrpc(port, label, 1, 64, d));
    await stopServer(child);
  }
  const logModes = process.env['KAFKA_BROKERS'] ? ['off', 'memory', 'kafka'] : ['off', 'memory'];
  for (const batching of ['on', 'off']) {
    for (const log of batching === 'on' ? logModes : ['off']) {
      const { child, port } = await startServer(root, { BENCH_BATCHING: batching, BENCH_LOG: log });
      const label = `gRPC ModelInfer, batching ${batching}, log ${log}`;
      for (const c of [1, 8, 64]) progress(await overGrpc(port, label, c, 1, d));
      if (log === 'off') progress(await overGrpc(port, label, 1, 64, d));
      await stopServer(child);
    }
  }
  await rm(root, { recursive: true, force: true });
  const base1 = rows[0] as Row;
  const table = formatTable(
    ['scenario', 'conc', 'rows/req', 'req/s', 'rows/s', 'p50 µs', 'p99 µs', 'req/s ÷ in-proc', 'p50 − in-proc µs', 'errors'],
    rows.map((r) => {
      const base = r.rowsPerRequest === 64 ? (rows[1] as Row) : base1;
      return [r.scenario, String(r.concurrency), String(r.rowsPerRequest), fmt(r.reqPerSec), fmt(r.rowsPerSec), fmt(r.p50us, 1), fmt(r.p99us, 1), fmt(r.reqPerSec / base.reqPerSec, 3), fmt(r.p50us - base.p50us, 1), String(r.errors)];
    }),
  );
  return { rows, table };
}
