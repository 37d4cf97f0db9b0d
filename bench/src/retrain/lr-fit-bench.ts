import { loadavg } from 'node:os';
import { Preprocessor, Rng, bootstrapIndices, extractLabels, fitLogisticRegression, takeRows } from '@ratchet/ml';
import { fmt, formatTable } from '../stats.js';
import { type RetrainDataset, agrawalDataset, electricityDataset } from './retrain-datasets.js';

const L2 = [0.01, 0.1, 1, 10];
const PREFIXES = [2000, 4000, 6000, 8000];

function load(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
}

/**
 * Logistic-regression fit time as the retraining job's candidates see it: on the job rows of
 * the retrain-job bench (Agrawal, ~40 design columns after one-hot encoding; Electricity),
 * for each prefix of 2000…8000 rows, a bootstrap resample (seeded) of the prefix is
 * preprocessed outside the timing, then `fitLogisticRegression` is timed at λ ∈ {0.01, 0.1, 1, 10}
 * (the search space spans 0.01…10). Per fit: Newton iterations, whether it converged, ‖∇f‖∞,
 * the objective f and the time; per data set: the total.
 */
export async function lrFitBench(): Promise<{ rows: unknown[]; table: string }> {
  const loadBefore = load();
  const datasets: RetrainDataset[] = [agrawalDataset({ productionRows: 5000, jobRows: 10_000, seed: 1 }), await electricityDataset({ productionRows: 5000, jobRows: 10_000 })];
  const rows: { data: string; rows: number; d: number; l2: number; iterations: number; converged: boolean; gradientNorm: number; objective: number; ms: number }[] = [];
  const totals: string[] = [];
  for (const data of datasets) {
    let total = 0;
    for (const n of PREFIXES) {
      const sample = bootstrapIndices(n, new Rng(n));
      const table = takeRows(data.job, sample);
      const preprocessor = Preprocessor.fit(table, data.schema.features);
      const set = { X: preprocessor.transform(table), nRows: n, nFeatures: preprocessor.nFeatures, y: extractLabels(table, data.schema) };
      for (const l2 of L2) {
        const start = performance.now();
        const model = fitLogisticRegression(set, { l2 });
        const ms = performance.now() - start;
        total += ms;
        const report = model.report;
        if (report === null) throw new Error(`lr-fit bench: no fit report for ${data.name}, ${n} rows, l2 ${l2}`);
        rows.push({ data: data.name, rows: n, d: set.nFeatures, l2, ...report, ms });
      }
    }
    totals.push(`${data.name}: ${fmt(total / 1000, 2)} s for ${PREFIXES.length * L2.length} fits`);
  }
  const table = formatTable(
    ['data', 'rows', 'd', 'λ', 'iterations', 'converged', '‖∇f‖∞', 'objective f', 'ms'],
    rows.map((r) => [r.data, String(r.rows), String(r.d), String(r.l2), String(r.iterations), r.converged ? 'yes' : 'no', r.gradientNorm.toExponential(1), r.objective.toFixed(9), fmt(r.ms, 1)]),
  );
  const header = [
    'fitLogisticRegression on bootstrap resamples of the first n job rows of the retrain-job data sets (preprocessing not timed)',
    `total: ${totals.join('; ')}`,
    `load average (1/5/15 min) before: ${loadBefore}, after: ${load()}`,
  ].join('\n');
  return { rows, table: `${header}\n\n${table}` };
}
