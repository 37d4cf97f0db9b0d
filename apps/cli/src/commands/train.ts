import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import {
  type JsonValue,
  type ModelParams,
  accuracy,
  confusionMatrix,
  exportPipeline,
  f1Score,
  fitPipeline,
  inferSchema,
  isBinaryPipeline,
  labelsFromProba,
  logLoss,
  precision,
  recall,
  rocAuc,
  stratifiedSplit,
  takeRows,
  temporalSplit,
} from '@ratchet/ml';
import { onnxPredictor } from '@ratchet/training';
import { textTable } from '../flip-table.js';
import { manifestInputs, readLabelledCsv } from '../onnx-scoring.js';
import { numberOption } from '../options.js';
import { type ProgressStream, progressBar } from '../progress-bar.js';

/** Model kinds `ratchet train` and `ratchet svml` accept, by their short CLI names. */
export const MODEL_KINDS: Readonly<Record<string, string>> = { lr: 'logistic-regression', cart: 'cart', gbdt: 'gbdt', mlp: 'mlp' };

/** Options of {@link trainCommand}. */
export interface TrainCommandOptions {
  readonly csv: string;
  readonly label: string;
  readonly positive?: string;
  /** `lr`, `cart`, `gbdt` or `mlp`. Default `lr`. */
  readonly model?: string;
  readonly params?: ModelParams;
  readonly out?: string;
  readonly testFraction?: number;
  readonly time?: string;
  readonly seed?: number;
  /** Where progress goes; default stderr. */
  readonly progress?: ProgressStream;
}

/** Test metrics `ratchet train` writes to metrics.json. */
export interface TrainMetrics {
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly roc_auc: number;
  readonly log_loss: number;
  /** Largest |P_onnx − P_ts| on the test rows: the exported graph checked against TypeScript. */
  readonly onnx_max_abs_diff: number;
}

/** Resolves a CLI model name (`lr`, …) to a model kind, with a clear error. */
export function modelKind(name: string): string {
  const kind = MODEL_KINDS[name] ?? (Object.values(MODEL_KINDS).includes(name) ? name : undefined);
  if (kind === undefined) throw new Error(`unknown model '${name}' (use ${Object.keys(MODEL_KINDS).join(', ')})`);
  return kind;
}

/** Parses `--params` JSON into model params. */
export function paramsOption(value: string): ModelParams {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(value) as JsonValue;
  } catch (err) {
    throw new Error(`--params is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('--params must be a JSON object');
  return parsed;
}

/**
 * `ratchet train`: CSV → split (temporal with `time`, else stratified) → fit preprocessing +
 * model → test metrics → `model.onnx` (preprocessing inside), `metrics.json` and a
 * `manifest.json` that `ratchet publish --manifest` takes.
 */
export async function trainCommand(o: TrainCommandOptions): Promise<{ metrics: TrainMetrics; dir: string; table: string }> {
  const kind = modelKind(o.model ?? 'lr');
  const testFraction = o.testFraction ?? 0.2;
  const seed = o.seed ?? 0;
  const data = readLabelledCsv(await readFile(o.csv, 'utf8'), o.label, o.positive);
  const schema = inferSchema(data.table, { label: o.label, positiveClass: data.positiveClass, ...(o.time ? { time: o.time } : {}) });
  const split = o.time !== undefined ? temporalSplit(data.table, { testFraction, time: o.time }) : stratifiedSplit(data.y, { testFraction, seed });
  const progress = progressBar(`training ${kind}`, o.progress);
  progress.update(0, 1);
  const pipeline = fitPipeline(data.table, { schema, model: { kind, params: o.params ?? {} }, rows: split.train, seed });
  progress.update(1, 1);
  progress.done(`${split.train.length} rows, ${pipeline.preprocessor.nFeatures} features`);
  if (!isBinaryPipeline(pipeline)) throw new Error(`model '${kind}' is not a binary classifier`);
  const test = takeRows(data.table, split.test);
  const y = Float64Array.from(split.test, (r) => data.y[r] as number);
  const p = pipeline.predictProba(test);
  const onnx = exportPipeline(pipeline);
  const predictor = await onnxPredictor(onnx, pipeline.preprocessor.inputs);
  let onnxDiff = 0;
  try {
    const q = await predictor.predict(test);
    for (let i = 0; i < q.length; i++) onnxDiff = Math.max(onnxDiff, Math.abs((q[i] as number) - (p[i] as number)));
  } finally {
    await predictor.release();
  }
  const yHat = labelsFromProba(p);
  const metrics: TrainMetrics = {
    accuracy: accuracy(y, yHat),
    precision: precision(y, yHat),
    recall: recall(y, yHat),
    f1: f1Score(y, yHat),
    roc_auc: rocAuc(y, p),
    log_loss: logLoss(y, p),
    onnx_max_abs_diff: onnxDiff,
  };
  const dir = o.out ?? '.';
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.onnx'), onnx);
  const confusion = confusionMatrix(y, yHat);
  const report = {
    model: kind,
    params: o.params ?? {},
    data: basename(o.csv),
    label: o.label,
    positiveClass: data.positiveClass,
    split: o.time !== undefined ? { kind: 'temporal', time: o.time, testFraction } : { kind: 'stratified', testFraction, seed },
    trainRows: split.train.length,
    testRows: split.test.length,
    droppedUnlabelled: data.dropped,
    metrics,
    confusion,
  };
  await writeFile(join(dir, 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
  const manifest = {
    format: 'onnx',
    inputs: manifestInputs(pipeline.preprocessor.inputs),
    outputs: [
      { name: 'label', datatype: 'INT64', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
    ],
    metrics: { accuracy: metrics.accuracy, precision: metrics.precision, recall: metrics.recall, f1: metrics.f1, roc_auc: metrics.roc_auc, log_loss: metrics.log_loss },
    labels: {
      trainer: 'ratchet train',
      model_kind: kind,
      params: JSON.stringify(o.params ?? {}),
      data: basename(o.csv),
      label: o.label,
      positive_class: data.positiveClass,
      train_rows: String(split.train.length),
    },
  };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const f = (v: number) => v.toFixed(4);
  const table = textTable(
    ['metric', 'test'],
    [
      ['accuracy', f(metrics.accuracy)],
      ['precision', f(metrics.precision)],
      ['recall', f(metrics.recall)],
      ['F1', f(metrics.f1)],
      ['ROC-AUC', f(metrics.roc_auc)],
      ['log loss', f(metrics.log_loss)],
      ['ONNX max |Δp|', metrics.onnx_max_abs_diff.toExponential(1)],
    ],
  );
  return { metrics, dir, table };
}

interface TrainOpts {
  label: string;
  positive?: string;
  model: string;
  params?: ModelParams;
  out: string;
  testFraction: number;
  time?: string;
  seed: number;
}

/** Registers `ratchet train <csv>`. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a model on a CSV: model.onnx (preprocessing inside) + metrics.json + manifest.json for `ratchet publish --manifest`')
    .argument('<csv>', 'training data with a header row')
    .requiredOption('--label <col>', 'label column')
    .option('--positive <value>', 'label value counted as the positive class (default: 1, or the larger of two classes)')
    .option('--model <kind>', 'lr | cart | gbdt | mlp', 'lr')
    .option('--params <json>', 'model hyper-parameters as JSON, e.g. {"l2":1}', paramsOption)
    .option('--out <dir>', 'output folder', '.')
    .option('--test-fraction <f>', 'held-out fraction (latest rows with --time, else stratified)', numberOption, 0.2)
    .option('--time <col>', 'numeric time column: split by time instead of at random')
    .option('--seed <n>', 'seed of the split and the model', numberOption, 0)
    .action(async (csv: string, o: TrainOpts) => {
      const { table, dir } = await trainCommand({ csv, ...o });
      process.stdout.write(`${table}\nwrote model.onnx, metrics.json, manifest.json to ${dir}\n`);
    });
}
