// `npm run bench -- [name ...]`: runs the named benchmarks (all when none), prints each table
// and writes bench/results/<name>.json. BENCH_SECONDS sets the measuring time per scenario.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fanoutBench } from './fanout/fanout-bench.js';
import { monitorBench } from './monitor/monitor-bench.js';
import { paretoAdultBench } from './pareto/pareto-adult-bench.js';
import { predictionBench } from './prediction/prediction-bench.js';
import { lrFitBench } from './retrain/lr-fit-bench.js';
import { retrainJobBench } from './retrain/retrain-job-bench.js';
import { routerBench } from './router/router-bench.js';
import { svmlElectricityBench } from './svml/electricity-bench.js';
import { svmlSyntheticBench } from './svml/synthetic-bench.js';

const benches: Record<string, (o: { durationMs: number }) => Promise<{ rows: unknown[]; table: string }>> = {
  prediction: predictionBench,
  monitor: monitorBench,
  router: routerBench,
  'svml-electricity': svmlElectricityBench,
  'svml-synthetic': svmlSyntheticBench,
  'pareto-adult': paretoAdultBench,
  'retrain-fanout': fanoutBench,
  'retrain-job': retrainJobBench,
  'lr-fit': lrFitBench,
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = names.filter((n) => !(n in benches));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} (available: ${Object.keys(benches).join(', ')})\n`);
  process.exit(2);
}
const durationMs = Number(process.env['BENCH_SECONDS'] ?? 3) * 1000;
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
await mkdir(resultsDir, { recursive: true });
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
for (const name of names.length > 0 ? names : Object.keys(benches)) {
  process.stderr.write(`bench ${name} (${durationMs / 1000} s per scenario; ${machine})\n`);
  const bench = benches[name];
  if (!bench) continue;
  const { rows, table } = await bench({ durationMs });
  process.stdout.write(`\n## ${name}\n${table}\n`);
  await writeFile(join(resultsDir, `${name}.json`), JSON.stringify({ name, machine, date: new Date().toISOString(), durationMs, rows }, null, 2));
}
