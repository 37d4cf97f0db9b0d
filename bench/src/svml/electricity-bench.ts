import { readFile } from 'node:fs/promises';
import {
  type Table,
  Pipeline,
  extractLabels,
  inferSchema,
  isBinaryPipeline,
  parseCsv,
  prefixBatches,
  rocAuc,
  takeRows,
  temporalSplit,
} from '@ratchet/ml';
import { type SequenceSelection } from '@ratchet/svml';
import { type DistanceKind, type SlowlyVaryingSelection, TrainingPool, interSequenceReport, selectSlowlyVarying } from '@ratchet/training';
import { fmt, formatTable } from '../stats.js';
import { sharedDataFile } from './shared-data.js';

const ALPHAS = [0.1, 0.05, 0.02, 0.01];
const CONFIGS: readonly { model: string; label: string; distance: DistanceKind; target: number }[] = [
  { model: 'logistic-regression', label: 'LR', distance: 'coefficient', target: 0.5 },
  { model: 'cart', label: 'CART', distance: 'structural', target: 0.2 },
  { model: 'cart', label: 'CART', distance: 'gini', target: 0.2 },
  { model: 'gbdt', label: 'GBDT', distance: 'gain', target: 0.2 },
];

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * SVML on Electricity (elec2, time order as given, last 20% test, 10 prefix batches, 25
 * candidates): greedy vs SVML for LR (coefficient distance), CART (structural and Gini) and
 * GBDT (gain), α on AUC. Each configuration is rerun with `SVML_SEEDS` (default 2) seeds for
 * the inter-sequence stability table; figures are means over seeds.
 */
export async function svmlElectricityBench(): Promise<{ rows: unknown[]; table: string }> {
  const seeds = Number(process.env['SVML_SEEDS'] ?? 2);
  const k = Number(process.env['SVML_K'] ?? 25);
  const nBatches = Number(process.env['SVML_BATCHES'] ?? 10);
  const path = sharedDataFile('electricity/elec2.csv');
  const all = parseCsv(await readFile(path, 'utf8'));
  const schema = inferSchema(all, { label: 'class', positiveClass: 'UP', exclude: ['date'] });
  const split = temporalSplit(all, { testFraction: 0.2 });
  const train = takeRows(all, split.train);
  const test = takeRows(all, split.test);
  const yTest = extractLabels(test, schema);
  const batches = prefixBatches(Int32Array.from({ length: train.nRows }, (_, i) => i), nBatches);
  const pool = new TrainingPool();
  const rows: unknown[] = [];
  const frontierRows: string[][] = [];
  const interRows: string[][] = [];
  try {
    for (const config of CONFIGS) {
      const t0 = performance.now();
      const runs: SlowlyVaryingSelection[] = [];
      for (let s = 0; s < seeds; s++) {
        process.stderr.write(`svml-electricity: ${config.label} (${config.distance}) seed ${s}…\n`);
        runs.push(
          await selectSlowlyVarying({ table: train, schema, batches, k, alpha: 0.01, alphas: ALPHAS, mode: 'auc', model: config.model, distance: config.distance, seed: s, pool }),
        );
      }
      const testAuc = testAucOf(runs, test, yTest);
      const seqAuc = (r: number, sel: SequenceSelection) => mean(Array.from(sel.indices, (i, b) => testAuc(r, b, i)));
      const meanD = (sel: SequenceSelection) => (sel.distances.length ? sel.totalDistance / sel.distances.length : 0);
      for (const alpha of ALPHAS) {
        const points = runs.map((run) => run.frontier.find((p) => p.alpha === alpha));
        const svml = points.map((p) => p?.selection as SequenceSelection);
        const greedy = points.map((p) => p?.greedy?.selection as SequenceSelection);
        const row = {
          model: config.label,
          distance: config.distance,
          alpha,
          svmlTestAuc: mean(svml.map((sel, r) => seqAuc(r, sel))),
          greedyTestAuc: mean(greedy.map((sel, r) => seqAuc(r, sel))),
          bestTestAuc: mean(runs.map((run, r) => seqAuc(r, run.best))),
          svmlMeanDistance: mean(svml.map(meanD)),
          greedyMeanDistance: mean(greedy.map(meanD)),
          bestMeanDistance: mean(runs.map((run) => meanD(run.best))),
          feasible: mean(points.map((p) => mean(Array.from(p?.feasibleCounts ?? [])))),
        };
        const reduction = 1 - row.svmlMeanDistance / row.greedyMeanDistance;
        rows.push({ kind: 'frontier', ...row, reduction });
        frontierRows.push([
          config.label,
          config.distance,
          String(alpha),
          fmt(row.feasible, 1),
          fmt(row.greedyTestAuc, 4),
          fmt(row.svmlTestAuc, 4),
          fmt(row.greedyMeanDistance, 4),
          fmt(row.svmlMeanDistance, 4),
          `${fmt(100 * reduction, 1)}%`,
          alpha === 0.01 ? (reduction >= config.target && Math.abs(row.svmlTestAuc / row.greedyTestAuc - 1) <= 0.01 ? 'met' : 'missed') : '',
        ]);
      }
      const inter = (pick: (r: SlowlyVaryingSelection) => SequenceSelection) => (seeds >= 2 ? interSequenceReport(runs, pick).mean : Number.NaN);
      const table1 = {
        kind: 'inter-sequence',
        model: config.label,
        distance: config.distance,
        alpha: 0.01,
        greedyIntra: mean(runs.map((r) => r.greedy.stability.mean)),
        svmlIntra: mean(runs.map((r) => r.sequence.stability.mean)),
        bestIntra: mean(runs.map((r) => r.best.stability.mean)),
        greedyInter: inter((r) => r.greedy),
        svmlInter: inter((r) => r.sequence),
        bestInter: inter((r) => r.best),
        greedyTestAuc: mean(runs.map((r, i) => seqAuc(i, r.greedy))),
        svmlTestAuc: mean(runs.map((r, i) => seqAuc(i, r.sequence))),
        seconds: (performance.now() - t0) / 1000,
      };
      rows.push(table1);
      interRows.push([
        config.label,
        config.distance,
        fmt(table1.bestIntra, 4),
        fmt(table1.greedyIntra, 4),
        fmt(table1.svmlIntra, 4),
        fmt(table1.bestInter, 4),
        fmt(table1.greedyInter, 4),
        fmt(table1.svmlInter, 4),
        fmt(table1.greedyTestAuc, 4),
        fmt(table1.svmlTestAuc, 4),
        fmt(table1.seconds, 0),
      ]);
    }
  } finally {
    await pool.close();
  }
  const frontier = formatTable(
    ['model', 'distance', 'α', 'feasible/batch', 'greedy test AUC', 'SVML test AUC', 'greedy mean d', 'SVML mean d', 'd reduction', 'target'],
    frontierRows,
  );
  const table1 = formatTable(
    ['model', 'distance', 'intra best', 'intra greedy', 'intra SVML', 'inter best', 'inter greedy', 'inter SVML', 'greedy AUC', 'SVML AUC', 's'],
    interRows,
  );
  const header = `elec2: ${train.nRows} train rows in ${nBatches} prefix batches, ${test.nRows} test rows, K=${k}, ${seeds} seeds; α on AUC (AUC ≥ (1−α)·best on each batch's validation split)`;
  return { rows, table: `${header}\n\n${frontier}\n\nInter-sequence stability at α = 0.01 (Table 1 form; 'best' = most accurate candidate per batch)\n${table1}` };
}

/** Test AUC of candidate i of batch b of run r, each computed once. */
function testAucOf(runs: readonly SlowlyVaryingSelection[], test: Table, y: Float64Array): (r: number, b: number, i: number) => number {
  const cache = new Map<string, number>();
  return (r, b, i) => {
    const key = `${r}:${b}:${i}`;
    let auc = cache.get(key);
    if (auc === undefined) {
      const json = runs[r]?.pools[b]?.candidates[i]?.pipeline;
      if (json === undefined) throw new Error(`no candidate ${r}/${b}/${i}`);
      const pipeline = Pipeline.fromJSON(json);
      if (!isBinaryPipeline(pipeline)) throw new Error('expected a binary classifier');
      auc = rocAuc(y, pipeline.predictProba(test));
      cache.set(key, auc);
    }
    return auc;
  };
}
