import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type ModelParams, type Pipeline, type Schema, fitPipeline, inferSchema, stratifiedSplit, takeRows } from '@ratchet/ml';
import {
  ARM_OUTPUT,
  type FittedPairGate,
  type GatedPairEvaluation,
  type LabelledTable,
  evaluateGatedPair,
  exportGatedPair,
  fitPairGate,
  gatingSplit,
  unionInputs,
} from '@ratchet/pareto';
import { formatFlipReports } from '../flip-table.js';
import { manifestInputs, readLabelledCsv } from '../onnx-scoring.js';
import { intOption, numberOption } from '../options.js';

/** Short names accepted for model kinds. */
const KIND_ALIASES: Readonly<Record<string, string>> = { lr: 'logistic-regression', logistic: 'logistic-regression' };

/** Model kind from a short or full name. */
export function modelKind(name: string): string {
  return KIND_ALIASES[name] ?? name;
}

/** Options of `ratchet gate`. */
export interface GateOptions {
  readonly label: string;
  readonly positive?: string;
  readonly a?: string;
  readonly b?: string;
  /** JSON objects of hyper-parameters. */
  readonly aParams?: string;
  readonly bParams?: string;
  readonly gate?: 'knn' | 'meta';
  readonly metaModel?: string;
  readonly k?: number;
  readonly budget?: number;
  readonly confidence?: number;
  /** Separate labelled test CSV; default a stratified 20% of the data. */
  readonly test?: string;
  readonly seed?: number;
  readonly out?: string;
  readonly progress?: (line: string) => void;
}

/** What `ratchet gate` produced. */
export interface GateResult {
  readonly evaluation: GatedPairEvaluation;
  readonly fitted: FittedPairGate;
  readonly modelPath: string;
  readonly manifestPath: string;
  readonly table: string;
}

function params(json: string | undefined, which: string): ModelParams {
  if (json === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as ModelParams;
  } catch (err) {
    throw new Error(`--${which}-params must be a JSON object: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Trains A and B, fits and calibrates a routing gate to the regression budget, evaluates it on
 * the test rows and exports the composite `model.onnx` + `manifest.json` to `out`.
 *
 * Rows: test = `--test` file or a stratified 20%; the rest is split (stratified, seeded) into
 * 60% for A and B, 20% to fit the gate and 20% to calibrate it.
 */
export async function runGate(data: string, o: GateOptions): Promise<GateResult> {
  const progress = o.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { budget = 0, confidence = 0.95, seed = 0, gate: gateKind = 'meta', out = '.' } = o;
  const kindA = modelKind(o.a ?? 'lr');
  const kindB = modelKind(o.b ?? 'gbdt');
  const csv = readLabelledCsv(await readFile(data, 'utf8'), o.label, o.positive);
  let all: LabelledTable = { table: csv.table, y: csv.y };
  let test: LabelledTable;
  if (o.test !== undefined) {
    const t = readLabelledCsv(await readFile(o.test, 'utf8'), o.label, csv.positiveClass);
    test = { table: t.table, y: t.y };
  } else {
    const split = stratifiedSplit(csv.y, { testFraction: 0.2, seed });
    test = { table: takeRows(csv.table, split.test), y: Float64Array.from(split.test, (i) => csv.y[i] as number) };
    all = { table: takeRows(csv.table, split.train), y: Float64Array.from(split.train, (i) => csv.y[i] as number) };
  }
  const schema: Schema = inferSchema(all.table, { label: o.label, positiveClass: csv.positiveClass });
  const parts = gatingSplit(all.y, { seed });
  const rows = (r: Int32Array): LabelledTable => ({ table: takeRows(all.table, r), y: Float64Array.from(r, (i) => all.y[i] as number) });
  progress(
    `rows: ${parts.model.length} to train A and B, ${parts.fit.length} to fit the gate, ` +
      `${parts.calibration.length} to calibrate it, ${test.table.nRows} to test`,
  );
  const modelRows = takeRows(all.table, parts.model);
  const train = (kind: string, p: ModelParams, arm: string): Pipeline => {
    const t0 = performance.now();
    progress(`training ${arm} (${kind})…`);
    const pipeline = fitPipeline(modelRows, { schema, model: { kind, params: p }, seed });
    progress(`trained ${arm} (${kind}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return pipeline;
  };
  const a = train(kindA, params(o.aParams, 'a'), 'A');
  const b = train(kindB, params(o.bParams, 'b'), 'B');
  progress(`fitting the ${gateKind} gate and calibrating it to a regression budget of ${budget} at ${confidence} confidence…`);
  const fitted = fitPairGate(a, b, rows(parts.fit), rows(parts.calibration), {
    kind: gateKind,
    budget,
    confidence,
    seed,
    ...(o.k !== undefined ? { k: o.k } : {}),
    ...(o.metaModel !== undefined ? { metaModel: { kind: modelKind(o.metaModel) } } : {}),
  });
  const c = fitted.calibration;
  progress(
    c.feasible
      ? `gate calibrated: threshold ${c.threshold?.toPrecision(6)}, ${c.gains} gains and ${c.regressions} regressions on ${c.n} calibration rows`
      : 'no threshold meets the budget on the calibration rows: the gate routes nothing (the composite answers with A)',
  );
  const evaluation = evaluateGatedPair(a, b, fitted.gate, test, { confidence });
  const bytes = exportGatedPair(a, b, fitted.gate, { budget, confidence });
  await mkdir(out, { recursive: true });
  const modelPath = join(out, 'model.onnx');
  const manifestPath = join(out, 'manifest.json');
  const inputs = unionInputs(a.preprocessor.inputs, b.preprocessor.inputs, fitted.gate.features.inputs);
  const g = evaluation.gated;
  const manifest = {
    format: 'onnx-composite',
    inputs: manifestInputs(inputs),
    outputs: [
      { name: 'label', datatype: 'INT64', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      { name: ARM_OUTPUT, datatype: 'INT64', shape: [-1] },
    ],
    labels: {
      trainer: 'ratchet gate',
      gate: gateKind,
      arm_a: kindA,
      arm_b: kindB,
      budget: String(budget),
      confidence: String(confidence),
      positive_class: csv.positiveClass,
    },
    metrics: {
      accuracy: g.accuracyB,
      accuracy_a: g.accuracyA,
      accuracy_b: evaluation.candidate.accuracyB,
      regressions_vs_a: g.regressions,
      gains_vs_a: g.gains,
      nfr_vs_a: g.nfr,
      routed_fraction: evaluation.routed / g.n,
    },
    reports: {
      flip_report: JSON.stringify({ gated: g, candidate: evaluation.candidate, calibration: fitted.calibration }),
    },
  };
  await writeFile(modelPath, bytes);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const table = formatFlipReports([
    { title: `B (${kindB}) vs A`, report: evaluation.candidate },
    { title: `gated (${gateKind}) vs A`, report: g },
  ]);
  return { evaluation, fitted, modelPath, manifestPath, table };
}

/** `ratchet gate <data.csv>`: train A and B, calibrate a gate, export the composite. */
export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('train A and B, fit a routing gate calibrated to a regression budget, export the composite ONNX + manifest')
    .argument('<data>', 'labelled training CSV')
    .requiredOption('--label <column>', 'label column')
    .option('--positive <value>', 'label value of the positive class (default: 1, or the larger of two classes)')
    .option('--a <kind>', 'production model A: lr, cart, gbdt, mlp', 'lr')
    .option('--b <kind>', 'candidate model B: lr, cart, gbdt, mlp', 'gbdt')
    .option('--a-params <json>', 'hyper-parameters of A as JSON, e.g. \'{"l2":1}\'')
    .option('--b-params <json>', 'hyper-parameters of B as JSON, e.g. \'{"nRounds":200}\'')
    .option('--gate <kind>', 'knn or meta', 'meta')
    .option('--meta-model <kind>', 'meta gate model: lr, cart, gbdt, mlp', 'lr')
    .option('--k <n>', 'kNN gate: neighbours', intOption)
    .option('--budget <rate>', 'allowed regression rate vs A (0 = none observed)', numberOption, 0)
    .option('--confidence <c>', 'confidence of the Clopper–Pearson bound', numberOption, 0.95)
    .option('--test <file>', 'labelled test CSV (default: a stratified 20% of the data)')
    .option('--seed <n>', 'seed of the splits and models', intOption, 0)
    .option('--out <dir>', 'output folder for model.onnx and manifest.json', '.')
    .action(async (data: string, o: GateOptions) => {
      if (o.gate !== 'knn' && o.gate !== 'meta') throw new Error(`--gate must be knn or meta, got ${String(o.gate)}`);
      const r = await runGate(data, o);
      process.stdout.write(`${r.table}\n\nrouted to B: ${r.evaluation.routed} of ${r.evaluation.gated.n} test rows\n`);
      process.stdout.write(`wrote ${r.modelPath} and ${r.manifestPath} (publish with: ratchet publish <model> <version> ${r.modelPath} --manifest ${r.manifestPath})\n`);
    });
}
