import {
  type ModelParams,
  type PipelineJSON,
  type PreprocessorOptions,
  type Schema,
  type Table,
  Rng,
  bootstrapIndices,
  deriveSeed,
  extractLabels,
  logLoss,
  rocAuc,
} from '@ratchet/ml';
import { type SearchSpace, defaultSearchSpaces, sampleParams } from './search-space.js';
import type { TableHandle, TrainingExecutor } from './training-executor.js';

/** One trained candidate of a batch's pool. */
export interface Candidate {
  readonly batch: number;
  readonly index: number;
  readonly params: ModelParams;
  readonly seed: number;
  readonly pipeline: PipelineJSON;
  /** Validation ROC-AUC and log loss on the batch's validation rows. */
  readonly auc: number;
  readonly logLoss: number;
}

/** A batch's rows and its K candidates. */
export interface BatchPool {
  readonly batch: number;
  readonly trainRows: Int32Array;
  readonly validationRows: Int32Array;
  readonly candidates: readonly Candidate[];
}

/** Options of {@link buildCandidatePools}. */
export interface CandidatePoolOptions {
  readonly table: Table;
  readonly schema: Schema;
  /** Row indices of each batch in time order (e.g. `prefixBatches`). */
  readonly batches: readonly Int32Array[];
  /** Model kind (`logistic-regression`, `cart`, `gbdt`, `mlp`). */
  readonly model: string;
  /** Candidates per batch. */
  readonly k: number;
  /** Default {@link defaultSearchSpaces}[model]. */
  readonly searchSpace?: SearchSpace;
  /** Latest fraction of each batch held out for validation. Default 0.2. */
  readonly validationFraction?: number;
  readonly preprocess?: PreprocessorOptions;
  readonly seed?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /** Names the job in a distributed executor's task messages (see {@link TrainingRunOptions.jobId}). */
  readonly jobId?: string;
}

/**
 * Candidate pools (SVML paper §2.4, restricted problem): for each batch b, the latest
 * `validationFraction` of its rows (batches are in time order) is the validation split and
 * the rest trains; candidate k is trained on a bootstrap resample of the training rows with
 * hyper-parameters drawn from the search space, both seeded by (seed, b, k). All B·K
 * candidates are trained in parallel on the pool and scored on their batch's validation
 * split (AUC and log loss). Deterministic in `seed`, whatever the executor (threads of any
 * pool size, or processes over the bus).
 */
export async function buildCandidatePools(pool: TrainingExecutor, options: CandidatePoolOptions, shared?: TableHandle): Promise<BatchPool[]> {
  const { table, schema, batches, model, k, validationFraction = 0.2, preprocess, seed = 0 } = options;
  const space = options.searchSpace ?? defaultSearchSpaces[model];
  if (space === undefined) throw new Error(`buildCandidatePools: no search space for model '${model}'; pass searchSpace`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`buildCandidatePools: k must be an integer ≥ 1, got ${k}`);
  if (!(validationFraction > 0 && validationFraction < 1)) throw new RangeError(`buildCandidatePools: validationFraction must be in (0, 1)`);
  const labels = extractLabels(table, schema);
  const splits = batches.map((rows, b) => {
    const nVal = Math.round(rows.length * validationFraction);
    if (nVal < 2 || rows.length - nVal < 2) throw new RangeError(`buildCandidatePools: batch ${b} has only ${rows.length} rows`);
    return { trainRows: rows.slice(0, rows.length - nVal), validationRows: rows.slice(rows.length - nVal) };
  });
  const plans = splits.flatMap(({ trainRows, validationRows }, b) =>
    Array.from({ length: k }, (_, i) => {
      const candidateSeed = deriveSeed(seed, `batch-${b}-candidate-${i}`);
      const rng = new Rng(candidateSeed);
      const sample = bootstrapIndices(trainRows.length, rng);
      const rows = Int32Array.from(sample, (r) => trainRows[r] as number);
      return { batch: b, index: i, params: sampleParams(space, rng), seed: candidateSeed, rows, validationRows };
    }),
  );
  const handle = shared ?? pool.shareTable(table);
  try {
    const outcomes = await pool.run(
      handle,
      plans.map((p) => ({
        spec: { schema, model: { kind: model, params: p.params }, rows: p.rows, seed: p.seed, ...(preprocess ? { preprocess } : {}) },
        evaluateRows: p.validationRows,
      })),
      {
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.jobId !== undefined ? { jobId: options.jobId } : {}),
      },
    );
    return splits.map(({ trainRows, validationRows }, b) => {
      const y = Float64Array.from(validationRows, (r) => labels[r] as number);
      const candidates = plans
        .map((p, t) => ({ p, o: outcomes[t] }))
        .filter(({ p }) => p.batch === b)
        .map(({ p, o }): Candidate => {
          const predictions = o?.predictions;
          if (o === undefined || predictions === undefined) throw new Error(`buildCandidatePools: no outcome for batch ${b} candidate ${p.index}`);
          return { batch: b, index: p.index, params: p.params, seed: p.seed, pipeline: o.result.pipeline, auc: rocAuc(y, predictions), logLoss: logLoss(y, predictions) };
        });
      return { batch: b, trainRows, validationRows, candidates };
    });
  } finally {
    if (shared === undefined) pool.releaseTable(handle);
  }
}
