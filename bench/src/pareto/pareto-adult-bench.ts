/**
 * Reproduction 1 (issue 3 §4): the seed table on Adult. Model A = logistic regression,
 * Model B = MLP or GBDT, routed by a kNN gate or a meta gate calibrated to a regression
 * budget of 0 and 0.1% — test accuracy and regressions vs A per row. Then GBDT fit time
 * against scikit-learn's HistGradientBoostingClassifier on the same design matrix.
 *
 * Data: ../shared/data/adult/adult.{train,test}.csv relative to the repository root, read in
 * place (never copied). Protocol: the training file is split (stratified, seed 0) into 60%
 * to train A and B, 20% to fit the gates and 20% to calibrate them. Hyper-parameters are
 * chosen by accuracy on the 20% gate-fit split (a validation split of the training file);
 * the test file is used only for the reported numbers.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ColumnType,
  type ModelParams,
  type Pipeline,
  type Schema,
  type Table,
  accuracy,
  extractLabels,
  fitGbdt,
  fitPipeline,
  inferSchema,
  labelsFromProba,
  parseCsv,
  takeRows,
} from '@ratchet/ml';
import { type LabelledTable, evaluateGatedPair, fitPairGate, flipReport, gatingSplit, pipelineProba } from '@ratchet/pareto';
import { fmt, formatTable } from '../stats.js';
import { ensureVenv, timeHistGbdt } from './sklearn-baseline.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const adultDir = resolve(repoRoot, '..', 'shared', 'data', 'adult');
const LABEL = 'income';
const POSITIVE = '>50K';
const SEED = 0;

const progress = (line: string) => process.stderr.write(`  ${line}\n`);

async function readAdult(): Promise<{ train: Table; test: Table }> {
  const files = ['adult.train.csv', 'adult.test.csv'].map((f) => join(adultDir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(`pareto-adult: missing ${missing.join(', ')}; the Adult data must be at ../shared/data/adult/ beside the repository`);
  }
  const train = parseCsv(await readFile(files[0] as string, 'utf8'));
  const columnTypes: Record<string, ColumnType> = {};
  for (const c of train.columns) columnTypes[c.name] = c.type;
  const test = parseCsv(await readFile(files[1] as string, 'utf8'), { columnTypes });
  return { train, test };
}

interface Candidate {
  readonly kind: string;
  readonly params: ModelParams;
}

/** Hyper-parameter grids, searched by accuracy on the validation (gate-fit) split. */
const GRIDS: Readonly<Record<'lr' | 'mlp' | 'gbdt', readonly Candidate[]>> = {
  lr: [0.1, 1, 10].map((l2) => ({ kind: 'logistic-regression', params: { l2 } })),
  mlp: [
    { kind: 'mlp', params: { hiddenLayers: [64], learningRate: 1e-3, l2: 1e-4, batchSize: 128 } },
    { kind: 'mlp', params: { hiddenLayers: [64, 32], learningRate: 1e-3, l2: 1e-3, batchSize: 128 } },
  ],
  gbdt: [
    { kind: 'gbdt', params: { nRounds: 300, learningRate: 0.1, maxDepth: 6, maxLeaves: 31, minSamplesLeaf: 20, lambda: 1 } },
    { kind: 'gbdt', params: { nRounds: 500, learningRate: 0.05, maxDepth: 8, maxLeaves: 31, minSamplesLeaf: 20, lambda: 1 } },
  ],
};

function labelled(table: Table, rows: Int32Array, y: Float64Array): LabelledTable {
  return { table: takeRows(table, rows), y: Float64Array.from(rows, (i) => y[i] as number) };
}

/** Trains every candidate on `train`, keeps the best by accuracy on `validation`. */
function tune(name: string, grid: readonly Candidate[], train: Table, validation: LabelledTable, schema: Schema) {
  let best: { pipeline: Pipeline; candidate: Candidate; accuracy: number; seconds: number } | undefined;
  for (const candidate of grid) {
    const t0 = performance.now();
    const pipeline = fitPipeline(train, { schema, model: { kind: candidate.kind, params: candidate.params }, seed: SEED });
    const seconds = (performance.now() - t0) / 1000;
    const acc = accuracy(validation.y, labelsFromProba(pipelineProba(pipeline, validation.table, name)));
    progress(`${name} ${JSON.stringify(candidate.params)}: validation accuracy ${acc.toFixed(4)} (${seconds.toFixed(1)} s)`);
    if (best === undefined || acc > best.accuracy) best = { pipeline, candidate, accuracy: acc, seconds };
  }
  if (best === undefined) throw new Error(`pareto-adult: empty grid for ${name}`);
  return best;
}

/** One row of the reproduction table. */
export interface ParetoAdultRow {
  readonly system: string;
  readonly budget: number | null;
  readonly accuracy: number;
  readonly regressionsVsA: number;
  readonly gainsVsA: number;
  readonly routed: number | null;
  readonly calibrationFeasible: boolean | null;
  readonly params?: ModelParams;
}

/** The Adult reproduction: prints the table and returns its rows plus the timing rows. */
export async function paretoAdultBench(): Promise<{ rows: unknown[]; table: string }> {
  const { train, test } = await readAdult();
  const schema = inferSchema(train, { label: LABEL, positiveClass: POSITIVE });
  const y = extractLabels(train, schema);
  const testSet: LabelledTable = { table: test, y: extractLabels(test, schema) };
  const parts = gatingSplit(y, { fitFraction: 0.2, calibrationFraction: 0.2, seed: SEED });
  const modelTable = takeRows(train, parts.model);
  const fitSet = labelled(train, parts.fit, y);
  const calibrationSet = labelled(train, parts.calibration, y);
  progress(
    `Adult: ${train.nRows} training rows (${parts.model.length} models / ${parts.fit.length} gate fit + validation / ` +
      `${parts.calibration.length} calibration), ${test.nRows} test rows`,
  );

  const a = tune('A lr', GRIDS.lr, modelTable, fitSet, schema);
  const arms = { mlp: tune('B mlp', GRIDS.mlp, modelTable, fitSet, schema), gbdt: tune('B gbdt', GRIDS.gbdt, modelTable, fitSet, schema) };
  const predA = labelsFromProba(pipelineProba(a.pipeline, test, 'A'));
  const rows: ParetoAdultRow[] = [
    { system: 'A: logistic regression', budget: null, accuracy: accuracy(testSet.y, predA), regressionsVsA: 0, gainsVsA: 0, routed: null, calibrationFeasible: null, params: a.candidate.params },
  ];
  for (const [name, arm] of Object.entries(arms)) {
    const predB = labelsFromProba(pipelineProba(arm.pipeline, test, 'B'));
    const r = flipReport(testSet.y, predA, predB);
    rows.push({ system: `B: ${name} alone`, budget: null, accuracy: r.accuracyB, regressionsVsA: r.regressions, gainsVsA: r.gains, routed: null, calibrationFeasible: null, params: arm.candidate.params });
    for (const gate of ['knn', 'meta'] as const) {
      for (const budget of [0, 0.001]) {
        const t0 = performance.now();
        const fitted = fitPairGate(a.pipeline, arm.pipeline, fitSet, calibrationSet, {
          kind: gate,
          budget,
          confidence: 0.95,
          k: 25,
          metaModel: { kind: 'gbdt', params: { nRounds: 100, learningRate: 0.05, maxDepth: 3, minSamplesLeaf: 20 } },
          seed: SEED,
        });
        const e = evaluateGatedPair(a.pipeline, arm.pipeline, fitted.gate, testSet);
        progress(`${name} ${gate} gate, budget ${budget}: ${e.routed} routed, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        rows.push({
          system: `A→${name}, ${gate} gate`,
          budget,
          accuracy: e.gated.accuracyB,
          regressionsVsA: e.gated.regressions,
          gainsVsA: e.gated.gains,
          routed: e.routed,
          calibrationFeasible: fitted.calibration.feasible,
        });
      }
    }
  }
  const table = formatTable(
    ['system', 'budget', 'test accuracy', 'regressions vs A', 'gains vs A', 'routed to B'],
    rows.map((r) => [
      r.system,
      r.budget === null ? '' : `${fmt(100 * r.budget, 1)}%`,
      fmt(r.accuracy, 4),
      String(r.regressionsVsA),
      String(r.gainsVsA),
      r.routed === null ? '' : `${r.routed}${r.calibrationFeasible === false ? ' (infeasible)' : ''}`,
    ]),
  );

  const timing = await gbdtTiming(arms.gbdt.pipeline, arms.gbdt.candidate.params, modelTable, schema);
  return { rows: [...rows, timing.row], table: `${table}\n\n${timing.table}` };
}

/** Ratchet's GBDT fit time vs scikit-learn's on the same design matrix and settings. */
async function gbdtTiming(pipeline: Pipeline, params: ModelParams, train: Table, schema: Schema) {
  const X = pipeline.transform(train);
  const y = extractLabels(train, schema);
  const nFeatures = pipeline.preprocessor.nFeatures;
  const p = params as Record<string, number>;
  const settings = {
    nRounds: p['nRounds'] ?? 100,
    learningRate: p['learningRate'] ?? 0.1,
    maxDepth: p['maxDepth'] ?? 6,
    maxLeaves: p['maxLeaves'] ?? 31,
    minSamplesLeaf: p['minSamplesLeaf'] ?? 20,
    lambda: p['lambda'] ?? 1,
    maxBins: 255,
  };
  const repeats = 3;
  const ratchetSeconds: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fitGbdt({ X, nRows: y.length, nFeatures, y }, { ...settings, seed: SEED });
    ratchetSeconds.push((performance.now() - t0) / 1000);
  }
  progress(`Ratchet GBDT fit: ${ratchetSeconds.map((s) => s.toFixed(2)).join(', ')} s`);
  await ensureVenv(progress);
  const sk = {
    max_iter: settings.nRounds,
    learning_rate: settings.learningRate,
    max_leaf_nodes: settings.maxLeaves,
    max_depth: settings.maxDepth,
    min_samples_leaf: settings.minSamplesLeaf,
    l2_regularization: settings.lambda,
    // scikit-learn keeps one bin for missing values: 255 value bins as in Ratchet.
    max_bins: 255,
    repeats,
  };
  const all = await timeHistGbdt(X, y, nFeatures, sk);
  const one = await timeHistGbdt(X, y, nFeatures, sk, 1);
  const median = (v: readonly number[]) => [...v].sort((x, z) => x - z)[Math.floor(v.length / 2)] as number;
  const ours = median(ratchetSeconds);
  const row = {
    system: 'GBDT fit time',
    rows: y.length,
    features: nFeatures,
    settings,
    ratchetSeconds,
    sklearn: all,
    sklearnOneThread: one,
    ratioVsSklearn: ours / median(all.fit_seconds),
    ratioVsSklearnOneThread: ours / median(one.fit_seconds),
  };
  const table = formatTable(
    ['GBDT fit on Adult design', 'median s', 'ratio Ratchet / this'],
    [
      [`Ratchet (1 thread), ${y.length}×${nFeatures}, ${settings.nRounds} rounds`, fmt(ours, 2), ''],
      [`scikit-learn ${all.sklearn} HistGradientBoosting (${all.n_threads} threads)`, fmt(median(all.fit_seconds), 2), `${fmt(row.ratioVsSklearn, 2)}×`],
      [`scikit-learn ${one.sklearn} HistGradientBoosting (1 thread)`, fmt(median(one.fit_seconds), 2), `${fmt(row.ratioVsSklearnOneThread, 2)}×`],
    ],
  );
  return { row, table };
}
