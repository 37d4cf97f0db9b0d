import { readFile } from 'node:fs/promises';
import { type Schema, type Table, inferSchema, makeAgrawalStream, parseCsv, selectColumns, sliceRows } from '@ratchet/ml';
import { sharedDataFile } from '../svml/shared-data.js';

/** A data set of the retraining bench: the rows production learnt from, then the rows a job retrains on. */
export interface RetrainDataset {
  readonly name: string;
  readonly description: string;
  readonly schema: Schema;
  /** Rows the production version is trained on (before the job's rows). */
  readonly production: Table;
  /** The job's labelled rows in time order; they go to the batch store. */
  readonly job: Table;
}

/** Sizes of a bench data set. */
export interface RetrainDatasetOptions {
  readonly productionRows: number;
  readonly jobRows: number;
}

/** Only the schema's features and label (no date or time column goes to the store). */
function featuresAndLabel(table: Table, schema: Schema): Table {
  return selectColumns(table, [...schema.features.map((f) => f.name), schema.label]);
}

/**
 * Electricity (elec2, file order = time order, `date` excluded as in the SVML benches):
 * production is trained on the first `productionRows` rows, the job gets the next `jobRows`.
 */
export async function electricityDataset({ productionRows, jobRows }: RetrainDatasetOptions): Promise<RetrainDataset> {
  const all = parseCsv(await readFile(sharedDataFile('electricity/elec2.csv'), 'utf8'));
  if (productionRows + jobRows > all.nRows) {
    throw new RangeError(`retrain bench: Electricity has ${all.nRows} rows, fewer than ${productionRows} production + ${jobRows} job rows`);
  }
  const schema = inferSchema(all, { label: 'class', positiveClass: 'UP', exclude: ['date'] });
  const table = featuresAndLabel(all, schema);
  return {
    name: 'electricity',
    description: `Electricity: production on rows 1–${productionRows}, the job on the next ${jobRows}`,
    schema,
    production: sliceRows(table, 0, productionRows),
    job: sliceRows(table, productionRows, productionRows + jobRows),
  };
}

/**
 * The Agrawal loan stream (`@ratchet/ml`), as `ratchet up` runs it: production is trained on
 * function F1; the job's rows switch abruptly to F2 (with older applicants, feature shift 0.5)
 * a fifth of the way in, so the job retrains across the drift.
 */
export function agrawalDataset({ productionRows, jobRows, seed }: RetrainDatasetOptions & { readonly seed: number }): RetrainDataset {
  const before = makeAgrawalStream({ nRows: productionRows, seed: seed * 2 + 1, concept: 1 });
  const driftAt = Math.round(jobRows / 5);
  const after = makeAgrawalStream({ nRows: jobRows, seed: seed * 2 + 2, concept: 1, driftTo: 2, driftAt, drift: 'abrupt', featureShift: 0.5 });
  // The rows are stored in time order; the time column itself is not a feature.
  const { time: _time, ...schema } = after.schema;
  return {
    name: 'agrawal',
    description: `Agrawal: production on ${productionRows} rows of F1, the job on ${jobRows} rows switching to F2 at row ${driftAt}`,
    schema,
    production: featuresAndLabel(before.table, before.schema),
    job: featuresAndLabel(after.table, after.schema),
  };
}
