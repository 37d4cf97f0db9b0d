/**
 * Training from a plain, serialisable spec: the entry point a `worker_threads` worker (or a
 * retrainer task consumer) calls. Inputs and outputs survive `structuredClone`/JSON, so the
 * caller can post them across threads or processes unchanged.
 */
import { extractLabels, extractWeights, rowsWithLabel } from '../data/labels.js';
import { type Schema, validateSchema } from '../data/schema.js';
import { type Table, takeRows } from '../data/table.js';
import { type PreprocessorOptions, Preprocessor } from '../preprocess/preprocessor.js';
import { type PipelineJSON, Pipeline } from './pipeline.js';
import { type ModelParams, type ModelTrainer, modelTrainers } from './model-trainers.js';

/** What to train. */
export interface TrainSpec {
  readonly schema: Schema;
  readonly model: { readonly kind: string; readonly params?: ModelParams };
  readonly preprocess?: PreprocessorOptions;
  /** Seed for any randomness in training. Default 0. */
  readonly seed?: number;
  /** Train on these rows only (e.g. a temporal batch); default all rows. */
  readonly rows?: ArrayLike<number>;
}

/** Result of {@link trainFromSpec}. */
export interface TrainResult {
  readonly pipeline: PipelineJSON;
  /** Rows used (after the optional subset and dropping missing labels). */
  readonly nTrainRows: number;
  readonly featureNames: readonly string[];
}

/**
 * Fits preprocessor and model on `table` as `spec` says. Rows with a missing label are
 * dropped; sample weights come from `schema.weight`.
 */
export function fitPipeline(
  table: Table,
  spec: TrainSpec,
  trainers: Readonly<Record<string, ModelTrainer>> = modelTrainers,
): Pipeline {
  return fit(table, spec, trainers).pipeline;
}

function fit(
  table: Table,
  spec: TrainSpec,
  trainers: Readonly<Record<string, ModelTrainer>>,
): { pipeline: Pipeline; nTrainRows: number } {
  const trainer = trainers[spec.model.kind];
  if (trainer === undefined) {
    throw new Error(`fitPipeline: no trainer for model kind '${spec.model.kind}' (have: ${Object.keys(trainers).join(', ')})`);
  }
  validateSchema(table, spec.schema);
  let data = spec.rows === undefined ? table : takeRows(table, spec.rows);
  const labelled = rowsWithLabel(data, spec.schema);
  if (labelled.length !== data.nRows) data = takeRows(data, labelled);
  if (data.nRows === 0) throw new Error('fitPipeline: no labelled rows to train on');
  const preprocessor = Preprocessor.fit(data, spec.schema.features, spec.preprocess);
  const X = preprocessor.transform(data);
  const y = extractLabels(data, spec.schema);
  const sampleWeight = extractWeights(data, spec.schema);
  const model = trainer(
    { X, nRows: data.nRows, nFeatures: preprocessor.nFeatures, y, ...(sampleWeight !== undefined ? { sampleWeight } : {}) },
    spec.model.params ?? {},
    spec.seed ?? 0,
  );
  return { pipeline: new Pipeline(spec.schema, preprocessor, model), nTrainRows: data.nRows };
}

/** {@link fitPipeline} with a serialisable result, for workers and task queues. */
export function trainFromSpec(
  spec: TrainSpec,
  table: Table,
  trainers: Readonly<Record<string, ModelTrainer>> = modelTrainers,
): TrainResult {
  const { pipeline, nTrainRows } = fit(table, spec, trainers);
  return { pipeline: pipeline.toJSON(), nTrainRows, featureNames: pipeline.preprocessor.featureNames };
}
