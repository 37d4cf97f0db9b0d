import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { inferSchema } from '@ratchet/ml';
import { type DistanceKind, type ScoredSequence, type SelectionMode, type SlowlyVaryingSelection, selectSlowlyVarying } from '@ratchet/training';
import { textTable } from '../flip-table.js';
import { readLabelledCsv } from '../onnx-scoring.js';
import { intOption, numberOption } from '../options.js';
import { type Progress, type ProgressStream, progressBar } from '../progress-bar.js';
import { modelKind } from './train.js';

const DISTANCES: readonly DistanceKind[] = ['coefficient', 'structural', 'gini', 'gain', 'permutation'];

/** Options of {@link svmlCommand}. */
export interface SvmlCommandOptions {
  readonly csv: string;
  readonly label: string;
  readonly positive?: string;
  readonly model?: string;
  readonly batches?: number;
  readonly candidates?: number;
  readonly alpha?: number;
  readonly mode?: SelectionMode;
  readonly distance?: DistanceKind;
  readonly time?: string;
  readonly out?: string;
  readonly seed?: number;
  readonly workers?: number;
  /** Where progress goes; default stderr. */
  readonly progress?: ProgressStream;
}

function sequenceJSON(s: ScoredSequence) {
  return {
    indices: Array.from(s.indices),
    scores: Array.from(s.scores),
    distances: Array.from(s.distances),
    totalDistance: s.totalDistance,
    meanDistance: s.stability.mean,
    maxDistance: s.stability.max,
  };
}

/** The JSON report of `ratchet svml`. */
export function svmlReport(run: SlowlyVaryingSelection, source: Record<string, unknown>) {
  return {
    ...source,
    model: run.model,
    distance: run.distance,
    mode: run.mode,
    alpha: run.alpha,
    initial: run.initial,
    distanceEvaluations: run.distanceEvaluations,
    batches: run.pools.map((p, b) => ({
      batch: b,
      trainRows: p.trainRows.length,
      validationRows: p.validationRows.length,
      feasible: run.layers[b]?.length ?? 0,
      candidates: p.candidates.map((c) => ({ index: c.index, params: c.params, seed: c.seed, auc: c.auc, logLoss: c.logLoss })),
    })),
    sequence: sequenceJSON(run.sequence),
    greedy: sequenceJSON(run.greedy),
    best: sequenceJSON(run.best),
    frontier: run.frontier.map((p) => ({
      alpha: p.alpha,
      feasible: Array.from(p.feasibleCounts),
      meanScore: p.meanScore,
      meanDistance: p.meanDistance,
      indices: Array.from(p.selection.indices),
      greedy: p.greedy ? { meanScore: p.greedy.meanScore, meanDistance: p.greedy.meanDistance, indices: Array.from(p.greedy.selection.indices) } : undefined,
    })),
  };
}

/** The human-readable table: per batch the SVML pick vs the greedy pick, then the α frontier. */
export function svmlTable(run: SlowlyVaryingSelection): string {
  const score = run.mode === 'auc' ? 'AUC' : 'log loss';
  const f = (v: number | undefined, d = 4) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
  const offset = run.initial ? 0 : -1;
  const rows = run.pools.map((p, b) => [
    String(b + 1),
    `${run.layers[b]?.length ?? 0}/${p.candidates.length}`,
    `#${run.sequence.indices[b]}`,
    f(run.sequence.scores[b]),
    b + offset >= 0 ? f(run.sequence.distances[b + offset]) : '-',
    `#${run.greedy.indices[b]}`,
    f(run.greedy.scores[b]),
    b + offset >= 0 ? f(run.greedy.distances[b + offset]) : '-',
  ]);
  const reduction = run.greedy.stability.mean > 0 ? 1 - run.sequence.stability.mean / run.greedy.stability.mean : 0;
  rows.push(['mean', '', '', f(mean(run.sequence.scores)), f(run.sequence.stability.mean), '', f(mean(run.greedy.scores)), f(run.greedy.stability.mean)]);
  const perBatch = textTable(['batch', 'feasible', 'SVML', score, `d(prev)`, 'greedy', score, 'd(prev)'], rows);
  const frontier = textTable(
    ['α', `SVML ${score}`, 'SVML mean d', `greedy ${score}`, 'greedy mean d'],
    run.frontier.map((p) => [String(p.alpha), f(p.meanScore), f(p.meanDistance), f(p.greedy?.meanScore), f(p.greedy?.meanDistance)]),
  );
  return `${run.model}, ${run.distance} distance, α = ${run.alpha} on ${score}: mean adjacent distance ${(100 * reduction).toFixed(1)}% below greedy (${run.distanceEvaluations} distances computed)\n\n${perBatch}\n\nα frontier\n${frontier}`;
}

function mean(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return v.length ? s / v.length : Number.NaN;
}

/** `ratchet svml`: batches → candidate pools on worker threads → SVML sequence vs greedy → table + JSON report. */
export async function svmlCommand(o: SvmlCommandOptions): Promise<{ run: SlowlyVaryingSelection; table: string; report: ReturnType<typeof svmlReport> }> {
  const kind = modelKind(o.model ?? 'lr');
  if (o.distance !== undefined && !DISTANCES.includes(o.distance)) throw new Error(`unknown distance '${o.distance}' (use ${DISTANCES.join(', ')})`);
  const data = readLabelledCsv(await readFile(o.csv, 'utf8'), o.label, o.positive);
  const schema = inferSchema(data.table, { label: o.label, positiveClass: data.positiveClass, ...(o.time ? { time: o.time } : {}) });
  const bars: Record<string, Progress> = {};
  const run = await selectSlowlyVarying({
    table: data.table,
    schema,
    batches: o.batches ?? 10,
    k: o.candidates ?? 25,
    alpha: o.alpha ?? 0.01,
    mode: o.mode ?? 'auc',
    model: kind,
    seed: o.seed ?? 0,
    ...(o.distance ? { distance: o.distance } : {}),
    ...(o.workers ? { poolSize: o.workers } : {}),
    onProgress: (stage, done, total) => {
      const bar = (bars[stage] ??= progressBar(stage === 'train' ? 'training candidates' : 'model signatures', o.progress));
      bar.update(done, total);
      if (done === total) bar.done();
    },
  });
  const report = svmlReport(run, { data: o.csv, label: o.label, positiveClass: data.positiveClass, time: o.time ?? null });
  if (o.out !== undefined) {
    await mkdir(dirname(o.out), { recursive: true });
    await writeFile(o.out, `${JSON.stringify(report, null, 2)}\n`);
  }
  return { run, table: svmlTable(run), report };
}

interface SvmlOpts {
  label: string;
  positive?: string;
  model: string;
  batches: number;
  candidates: number;
  alpha: number;
  mode: SelectionMode;
  distance?: DistanceKind;
  time?: string;
  out?: string;
  seed: number;
  workers?: number;
}

/** Registers `ratchet svml <csv>`. */
export function registerSvml(program: Command): void {
  program
    .command('svml')
    .description('select a slowly varying model sequence over temporal prefix batches (SVML) and compare it with greedy')
    .argument('<csv>', 'training data in time order (or with --time)')
    .requiredOption('--label <col>', 'label column')
    .option('--positive <value>', 'label value counted as the positive class')
    .option('--model <kind>', 'lr | cart | gbdt | mlp', 'lr')
    .option('--batches <n>', 'prefix batches', intOption, 10)
    .option('--candidates <k>', 'candidates per batch', intOption, 25)
    .option('--alpha <a>', 'tolerance: AUC ≥ (1−α)·best (or log loss ≤ (1+α)·best with --mode loss)', numberOption, 0.01)
    .option('--mode <m>', 'auc | loss', 'auc')
    .option('--distance <d>', 'coefficient | structural | gini | gain | permutation (default by model)')
    .option('--time <col>', 'numeric time column (default: file order)')
    .option('--out <file>', 'write the JSON report here')
    .option('--seed <n>', 'seed of resamples and hyper-parameters', intOption, 0)
    .option('--workers <n>', 'training threads (default: all cores)', intOption)
    .action(async (csv: string, o: SvmlOpts) => {
      if (o.mode !== 'auc' && o.mode !== 'loss') throw new Error(`--mode must be auc or loss, got '${String(o.mode)}'`);
      const { table } = await svmlCommand({ csv, ...o });
      process.stdout.write(`${table}\n${o.out ? `wrote ${o.out}\n` : ''}`);
    });
}
