import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type FlipReport, flipReport, twoClassProba, unionInputs } from '@ratchet/pareto';
import { formatFlipReports } from '../flip-table.js';
import { loadOnnxClassifier, readLabelledCsv, scoreOnnx } from '../onnx-scoring.js';
import { numberOption } from '../options.js';

/** Options of `ratchet compare`. */
export interface CompareOptions {
  readonly label: string;
  readonly positive?: string;
  readonly confidence?: number;
  /** Write the JSON report here. */
  readonly json?: string;
  /** Progress lines (default stderr). */
  readonly progress?: (line: string) => void;
}

/** What `ratchet compare` computes. */
export interface CompareResult {
  readonly modelA: string;
  readonly modelB: string;
  readonly data: string;
  readonly positiveClass: string;
  readonly report: FlipReport;
  /** The text table printed. */
  readonly table: string;
}

/**
 * Flip report of candidate B against production A on a labelled CSV: both ONNX models run in
 * onnxruntime on the raw columns; returns the report and its table, and writes JSON when asked.
 */
export async function runCompare(modelA: string, modelB: string, data: string, o: CompareOptions): Promise<CompareResult> {
  const progress = o.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const confidence = o.confidence ?? 0.95;
  const [a, b] = await Promise.all([loadOnnxClassifier(modelA), loadOnnxClassifier(modelB)]);
  try {
    const csv = readLabelledCsv(await readFile(data, 'utf8'), o.label, o.positive, unionInputs(a.inputs, b.inputs));
    progress(`read ${csv.table.nRows} labelled rows from ${data}${csv.dropped > 0 ? ` (${csv.dropped} without a label dropped)` : ''}`);
    const t0 = performance.now();
    const sa = await scoreOnnx(a, csv.table);
    const sb = await scoreOnnx(b, csv.table);
    progress(`scored both models in ${Math.round(performance.now() - t0)} ms`);
    const report = flipReport(csv.y, sa.label, sb.label, { confidence, probaA: twoClassProba(sa.proba), probaB: twoClassProba(sb.proba) });
    const table = formatFlipReports([{ title: 'B vs A', report }]);
    if (o.json !== undefined) {
      await writeFile(
        o.json,
        `${JSON.stringify({ modelA, modelB, data, label: o.label, positiveClass: csv.positiveClass, report }, null, 2)}\n`,
      );
    }
    return { modelA, modelB, data, positiveClass: csv.positiveClass, report, table };
  } finally {
    await Promise.all([a.session.release(), b.session.release()]);
  }
}

/** `ratchet compare <modelA.onnx> <modelB.onnx> <data.csv>`: the flip report of B against A. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('flip report of candidate B against production A on a labelled CSV (regressions, gains, NFR, NFI, McNemar, bound)')
    .argument('<modelA>', 'production model (.onnx with raw-column inputs)')
    .argument('<modelB>', 'candidate model (.onnx)')
    .argument('<data>', 'labelled CSV with the models\' input columns')
    .requiredOption('--label <column>', 'label column')
    .option('--positive <value>', 'label value of the positive class (default: 1, or the larger of two classes)')
    .option('--confidence <c>', 'confidence of the regression-rate upper bound', numberOption, 0.95)
    .option('--json <file>', 'also write the report as JSON')
    .action(async (modelA: string, modelB: string, data: string, o: CompareOptions) => {
      const result = await runCompare(modelA, modelB, data, o);
      process.stdout.write(`A = ${modelA}\nB = ${modelB}\npositive class: ${result.positiveClass}\n\n${result.table}\n`);
      if (o.json !== undefined) process.stdout.write(`\nwrote ${o.json}\n`);
    });
}
