import { loadavg } from 'node:os';
import { defaultRetrainSettings } from '@ratchet/retrainer';
import { fmt, formatTable } from '../stats.js';
import { type RetrainDataset, agrawalDataset, electricityDataset } from './retrain-datasets.js';
import { type RetrainExecutor, type RetrainScenarioResult, runRetrainScenario, workerThreadExecutor } from './retrain-scenario.js';

const MODELS: readonly { kind: string; label: string }[] = [
  { kind: 'logistic-regression', label: 'LR' },
  { kind: 'gbdt', label: 'GBDT' },
];

const OUTCOME_LABELS: Readonly<Record<string, string>> = { candidate: 'alone', 'gated-pair': 'gated', refused: 'refused' };

function load(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
}

/**
 * Retraining job time for B batches × K candidates (issue 6's figure; default 10 × 25): a real
 * job (`Retrainer.trigger` on a FileBatchStore and FileRegistry in a temporary folder, production
 * 1.0.0 published first) on Electricity and on the Agrawal stream, for logistic regression (the
 * retrainer's default) and GBDT, on 1 worker thread (the baseline) and on 2. Per job: time of
 * the candidate pools, the selection, the publishing rule (flip report, gate, ONNX export), the
 * publish, the rest, the total, the speed-up over 1 worker, and the outcome with the flip report
 * vs production on the held-out test rows. `RETRAIN_ROWS` (default 10000) sets the job's rows,
 * `RETRAIN_BATCHES` / `RETRAIN_K` the shape, `RETRAIN_WORKERS` the pool sizes (default `1,2`).
 */
export async function retrainJobBench(): Promise<{ rows: unknown[]; table: string }> {
  const jobRows = Number(process.env['RETRAIN_ROWS'] ?? 10_000);
  const productionRows = Number(process.env['RETRAIN_PRODUCTION_ROWS'] ?? 5_000);
  const batches = Number(process.env['RETRAIN_BATCHES'] ?? 10);
  const k = Number(process.env['RETRAIN_K'] ?? 25);
  const sizes = (process.env['RETRAIN_WORKERS'] ?? '1,2').split(',').map(Number);
  const executors: (() => RetrainExecutor)[] = sizes.map((size) => () => workerThreadExecutor(size));
  const loadBefore = load();
  const datasets: RetrainDataset[] = [await electricityDataset({ productionRows, jobRows }), agrawalDataset({ productionRows, jobRows, seed: 1 })];
  const rows: RetrainScenarioResult[] = [];
  const lines: string[][] = [];
  for (const data of datasets) {
    for (const model of MODELS) {
      let baseline: RetrainScenarioResult | undefined;
      for (const makeExecutor of executors) {
        const executor = makeExecutor();
        process.stderr.write(`retrain-job: ${data.name}, ${model.label}, ${executor.label}…\n`);
        let r: RetrainScenarioResult;
        try {
          r = await runRetrainScenario({ data, model: model.kind, executor, batches, k });
        } finally {
          await executor.close();
        }
        baseline ??= r;
        rows.push(r);
        const s = r.seconds;
        lines.push([
          data.name,
          model.label,
          r.executor,
          `${r.pools}×${r.k}`,
          fmt(s.pools, 2),
          fmt(s.selection, 2),
          fmt(s['publishing-rule'], 2),
          r.version ? fmt(s.publish, 3) : '-',
          fmt(r.otherSeconds, 2),
          fmt(r.totalSeconds, 2),
          fmt(r.cpuSeconds, 2),
          fmt(r.cpuSeconds / r.totalSeconds, 2),
          r === baseline ? 'baseline' : `${fmt(baseline.totalSeconds / r.totalSeconds, 2)}× (${fmt(baseline.seconds.pools / r.seconds.pools, 2)}×)`,
          `${OUTCOME_LABELS[r.outcome] ?? r.outcome}${r.version ? ` ${r.version}` : ''}`,
          String(r.evaluationRows),
          `${r.candidate.regressions} / ${r.candidate.gains}`,
          r.published ? `${r.published.regressions} / ${r.published.gains}` : '-',
          `${fmt(r.accuracyProduction, 3)} → ${fmt(r.candidate.accuracy, 3)} / ${r.published ? fmt(r.published.accuracy, 3) : '-'}`,
        ]);
      }
    }
  }
  const table = formatTable(
    ['data', 'model', 'executor', 'pools×K', 'pools s', 'selection s', 'rule s', 'publish s', 'other s', 'total s', 'CPU s', 'CPU/wall', 'speed-up vs 1 worker: total (pools)', 'outcome', 'n', 'candidate r / g', 'published r / g', 'accuracy prod → cand. / publ.'],
    lines,
  );
  const refused = rows.filter((r) => r.outcome === 'refused').map((r) => `  ${r.data} ${r.model} (${r.executor}): ${r.reason}`);
  const header = [
    ...datasets.map((d) => d.description),
    `job: ${jobRows} rows, latest ${defaultRetrainSettings.holdoutFraction * 100}% held out (gate fit / calibration / test thirds), the rest in ${batches} prefix batches × ${k} candidates; ` +
      `α ${defaultRetrainSettings.alpha} (${defaultRetrainSettings.mode}), budget ${defaultRetrainSettings.budget} at ${defaultRetrainSettings.confidence}, ${defaultRetrainSettings.gate} gate, seed 0`,
    `'rule' = publishing rule (flip report, gate fit and calibration, ONNX export, artifact write); 'other' = seal, plan, batch read, state writes`,
    `CPU s = the process's CPU time over the job (all threads); CPU/wall ≈ cores the job actually got (the machine is shared)`,
    `r / g = regressions / gains vs production on the n held-out test rows, of the chosen candidate alone and of what was published (alone: the candidate; gated: the pair)`,
    `load average (1/5/15 min) before: ${loadBefore}, after: ${load()}`,
  ].join('\n');
  return { rows, table: `${header}\n\n${table}${refused.length ? `\n\nrefused:\n${refused.join('\n')}` : ''}` };
}
