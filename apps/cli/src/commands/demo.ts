import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Topics } from '@ratchet/contracts';
import { InferenceClient, columnsFromRows } from '@ratchet/inference-client';
import { categoryAt, demoModel, getColumn, makeSyntheticBinary } from '@ratchet/ml';
import { referenceProfileFromTable } from '@ratchet/monitor';
import { defaultPredictionSettings, startPredictionService } from '@ratchet/prediction';
import { FileRegistry, bumpSemver } from '@ratchet/registry';
import { createMetricsRegistry } from '@ratchet/service-kit';
import { intOption } from '../options.js';
import { bufferedPredictionSink, openBus, processLogger, startTracing } from '../runtime.js';

interface DemoOpts {
  var: string;
  grpcPort: number;
  httpPort: number;
  keep?: boolean;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Rows of the demo generator as plain records, for the client. */
function sampleRows(n: number, seed: number): Record<string, unknown>[] {
  const { table } = makeSyntheticBinary({ nRows: n, seed, missingRate: 0.1 });
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    for (const name of ['x1', 'x2', 'x3', 'color', 'region']) {
      const col = getColumn(table, name);
      row[name] = col.type === 'numeric' ? col.values[i] : categoryAt(col, i);
    }
    rows.push(row);
  }
  return rows;
}

/**
 * The `drift_profile` manifest report of a demo version: the reference profile of the same
 * training rows `demoModel` draws (seed, size and shift), so the monitor can check drift
 * without the training data.
 */
function demoDriftReport(seed: number, nRows: number, shift: number): Record<string, string> {
  const train = makeSyntheticBinary({ nRows, seed, missingRate: 0.05, shift });
  return { drift_profile: JSON.stringify(referenceProfileFromTable(train.table, train.schema).toJSON()) };
}

/**
 * `ratchet demo`: the quick start. Trains the built-in model, publishes it, serves it, sends
 * predictions, publishes a retrained version and shows the swap under traffic.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('train, publish and serve a built-in demo model, send predictions, then hot-swap a retrained version')
    .option('--var <dir>', 'state folder (registry, traces)', './var')
    .option('--grpc-port <port>', 'gRPC port (0 = any free port)', intOption, defaultPredictionSettings.grpcPort)
    .option('--http-port <port>', 'HTTP port (0 = any free port)', intOption, defaultPredictionSettings.httpPort)
    .option('--keep', 'keep serving after the demo until Ctrl-C')
    .action(async (o: DemoOpts) => {
      const logger = processLogger('ratchet', 'warn', 'pretty');
      const telemetry = startTracing('ratchet-demo', resolve(o.var, 'traces.jsonl'));
      const bus = await openBus('ratchet-demo', { logger });
      const sink = bufferedPredictionSink(bus, 100_000, logger);
      let logged = 0;
      await bus.subscribe(Topics.predictions, () => void logged++, { groupId: 'demo-observer', fromBeginning: true });
      const registry = new FileRegistry({
        root: resolve(o.var, 'registry'),
        onPublished: async (e) => void (await bus.publish(Topics.models, e)),
      });

      say('ratchet demo: the prediction service on a built-in model');
      let current = await registry.latest('demo');
      if (!current) {
        const t0 = performance.now();
        const m = demoModel();
        current = await registry.publish({
          model: 'demo',
          version: '1.0.0',
          artifact: m.onnx,
          manifest: { inputs: m.inputs.map((i) => ({ ...i, shape: [...i.shape] })), outputs: m.outputs.map((x) => ({ ...x, shape: [...x.shape], allowNan: false })), metrics: m.metrics, labels: { trainer: 'ratchet demo', data: 'synthetic' }, reports: demoDriftReport(7, m.trainRows, 0) },
        });
        say(
          `  trained logistic regression on ${m.trainRows} synthetic rows in ${Math.round(performance.now() - t0)} ms ` +
            `(held-out accuracy ${m.metrics.accuracy.toFixed(3)}, ROC-AUC ${m.metrics.roc_auc.toFixed(3)})`,
        );
        say(`  published demo@1.0.0 to ${registry.root} (${current.sizeBytes} bytes of ONNX)`);
      } else {
        say(`  using demo@${current.version} from ${registry.root}`);
      }

      const metrics = createMetricsRegistry({ serviceName: 'prediction' });
      const start = (grpcPort: number, httpPort: number) =>
        startPredictionService({ ...defaultPredictionSettings, grpcPort, httpPort }, { registry, logger, bus, sink, metrics });
      let service;
      try {
        service = await start(o.grpcPort, o.httpPort);
      } catch (err) {
        say(`  ports ${o.grpcPort}/${o.httpPort} are busy (${(err as Error).message.split('\n')[0]}); using free ports instead`);
        service = await start(0, 0);
      }
      say(`  serving on grpc 127.0.0.1:${service.grpcPort} (Open Inference Protocol) and http://127.0.0.1:${service.httpPort}/metrics`);

      const client = new InferenceClient(`127.0.0.1:${service.grpcPort}`);
      try {
        const meta = await client.modelMetadata('demo');
        const rows = sampleRows(5, 2024);
        const res = await client.infer({ model: 'demo', inputs: columnsFromRows(rows, meta.inputs) });
        const probs = res.output('probabilities').data as Float32Array;
        const labels = res.output('label').data as BigInt64Array;
        say(`\n  5 predictions from demo@${res.version}:`);
        say('    x1      x2      x3      color   region  → label  p(yes)');
        rows.forEach((r, i) => {
          const num = (v: unknown) => (Number.isNaN(v) ? '   (NA)' : (v as number).toFixed(3).padStart(7));
          say(
            `    ${num(r['x1'])} ${num(r['x2'])} ${num(r['x3'])} ${String(r['color'] ?? '(NA)').padEnd(7)} ${String(r['region'] ?? '(NA)').padEnd(7)} → ${String(labels[i])}      ${(probs[i * 2 + 1] ?? 0).toFixed(3)}`,
          );
        });

        // Retrain on more (and shifted) data, publish, and keep traffic flowing through the swap.
        const next = bumpSemver((await registry.latest('demo'))?.version ?? '1.0.0', 'minor');
        const retrained = demoModel({ seed: 99, nRows: 4000, shift: 0.5 });
        const traffic = sampleRows(64, 7);
        let sent = 0;
        let failed = 0;
        let stop = false;
        const seen = new Map<string, number>();
        const latencies: number[] = [];
        const worker = async () => {
          while (!stop) {
            const i = sent % traffic.length;
            const t0 = performance.now();
            try {
              const r = await client.infer({ model: 'demo', inputs: columnsFromRows(traffic.slice(i, i + 1), meta.inputs) });
              latencies.push(performance.now() - t0);
              seen.set(r.version, (seen.get(r.version) ?? 0) + 1);
            } catch {
              failed++;
            }
            sent++;
          }
        };
        const workers = Array.from({ length: 8 }, worker);
        while (sent < 500) await new Promise((r) => setTimeout(r, 10));
        await registry.publish({
          model: 'demo',
          version: next,
          artifact: retrained.onnx,
          manifest: { inputs: retrained.inputs.map((i) => ({ ...i, shape: [...i.shape] })), metrics: retrained.metrics, parentVersion: current.version, labels: { trainer: 'ratchet demo', data: 'synthetic, shifted' }, reports: demoDriftReport(99, retrained.trainRows, 0.5) },
        });
        say(`\n  published demo@${next} (retrained on ${retrained.trainRows} rows) while 8 clients send single-row requests`);
        const deadline = Date.now() + 15_000;
        while (!seen.has(next) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        const atSwap = sent;
        while (sent < atSwap + 500) await new Promise((r) => setTimeout(r, 10));
        stop = true;
        await Promise.all(workers);
        latencies.sort((a, b) => a - b);
        say(`  hot swap: ${sent} requests, ${failed} failed; answered by ${[...seen.entries()].map(([v, n]) => `${v} (${n})`).join(', ')}`);
        say(`  client-side latency (8 clients in this same process) p50 ${(latencies[Math.floor(latencies.length / 2)] ?? 0).toFixed(2)} ms, p99 ${(latencies[Math.floor(latencies.length * 0.99)] ?? 0).toFixed(2)} ms`);
        await sink.publisher.flush({ timeoutMs: 5000 });
        await new Promise((r) => setTimeout(r, 50));
        say(`  ${logged} predictions logged on ${Topics.predictions.name} (in-memory bus; set KAFKA_BROKERS for Kafka)`);
        say(`  traces: ${resolve(o.var, 'traces.jsonl')}`);
        if (failed > 0) process.exitCode = 1;
      } finally {
        client.close();
      }
      if (o.keep) {
        say(`\n  still serving; try: npx ratchet predict demo --url 127.0.0.1:${service.grpcPort} --row x1=0.5,x2=-1,x3=0,color=red,region=north`);
        say('  Ctrl-C to stop');
        await new Promise<void>((r) => {
          process.once('SIGINT', () => r());
          process.once('SIGTERM', () => r());
        });
      }
      await service.stop();
      await sink.publisher.close();
      await bus.close();
      await telemetry.shutdown();
    });
}
