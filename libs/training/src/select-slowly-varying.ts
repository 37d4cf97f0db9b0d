import {
  type PreprocessorOptions,
  type Schema,
  type Table,
  extractLabels,
  prefixBatches,
  takeRows,
  temporalOrder,
} from '@ratchet/ml';
import {
  type FrontierPoint,
  type InterSequenceStability,
  type PermutationMetric,
  type ReferenceSpace,
  type SequenceSelection,
  type StabilitySummary,
  DistanceCache,
  INITIAL_MODEL,
  alphaFeasibleLayers,
  alphaFrontier,
  greedySequence,
  interSequenceStability,
  intraSequenceStability,
  referenceSpace,
  shortestSequence,
  withDistances,
} from '@ratchet/svml';
import { type BatchPool, buildCandidatePools } from './candidate-pools.js';
import { type DistanceKind, type ModelRef, type ModelSignature, defaultDistanceFor, modelSignature, signatureDistance } from './model-distance.js';
import type { SearchSpace } from './search-space.js';
import type { TrainingExecutor } from './training-executor.js';
import { TrainingPool } from './training-pool.js';

/**
 * How α reads the validation numbers:
 * - `auc`: keep candidates with AUC ≥ (1 − α)·max AUC of the batch (α = 0.01: within 1% of the best AUC);
 * - `loss`: keep candidates with log loss ≤ (1 + α)·min log loss of the batch (Problem (1) as written).
 */
export type SelectionMode = 'auc' | 'loss';

/** Options of {@link selectSlowlyVarying}. */
export interface SelectSlowlyVaryingOptions {
  /** The training data (the test period, if any, is not in it). */
  readonly table: Table;
  readonly schema: Schema;
  /** B prefix batches in time order (`schema.time` or file order), or explicit row lists. */
  readonly batches: number | readonly Int32Array[];
  /** Candidates per batch. */
  readonly k: number;
  readonly alpha: number;
  /** α values of the frontier sweep. Default [0.1, 0.05, 0.02, 0.01] plus `alpha`. */
  readonly alphas?: readonly number[];
  readonly mode: SelectionMode;
  /** Model kind of the candidates. */
  readonly model: string;
  /** Default {@link defaultDistanceFor}[model]. */
  readonly distance?: DistanceKind;
  /** f0, fixed first model (adaptive retraining, paper §2.5): our pipeline, or ONNX with `permutation`. */
  readonly initialModel?: ModelRef;
  readonly searchSpace?: SearchSpace;
  readonly seed?: number;
  readonly validationFraction?: number;
  readonly preprocess?: PreprocessorOptions;
  /** Where candidates train (a `TrainingPool`, or tasks over the bus); default a new pool of `poolSize` workers, closed at the end. */
  readonly pool?: TrainingExecutor;
  readonly poolSize?: number;
  /** Permutation importance: evaluation rows (latest rows of the last batch, default 1000), repeats, metric. */
  readonly permutation?: { readonly rows?: number; readonly repeats?: number; readonly metric?: PermutationMetric };
  /** Progress of the long stages. */
  readonly onProgress?: (stage: 'train' | 'signatures', done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /** Names the job in a distributed executor's task messages. */
  readonly jobId?: string;
}

/** A sequence with its per-batch validation scores. */
export interface ScoredSequence extends SequenceSelection {
  /** Validation AUC (mode `auc`) or log loss (mode `loss`) of each chosen candidate. */
  readonly scores: Float64Array;
  readonly stability: StabilitySummary;
}

/** Result of {@link selectSlowlyVarying}. */
export interface SlowlyVaryingSelection {
  readonly model: string;
  readonly distance: DistanceKind;
  readonly mode: SelectionMode;
  readonly alpha: number;
  readonly pools: readonly BatchPool[];
  /** Validation score (AUC or log loss) per batch and candidate. */
  readonly scores: readonly Float64Array[];
  /** α-feasible candidates per batch at `alpha`. */
  readonly layers: readonly Int32Array[];
  /** Shortest path through the feasible layers (SVML). */
  readonly sequence: ScoredSequence;
  /** Greedy: best first, then the feasible candidate nearest the previous pick. */
  readonly greedy: ScoredSequence;
  /** The best validation candidate of every batch (plain retraining), for reference. */
  readonly best: ScoredSequence;
  readonly frontier: readonly FrontierPoint[];
  /** True when f0 was fixed (distances start at d(f0, f_1)). */
  readonly initial: boolean;
  /** Distinct pairs whose distance was computed (each once). */
  readonly distanceEvaluations: number;
  readonly space: ReferenceSpace;
  /** signatures[b][i]: candidate i of batch b, for cross-sequence distances. */
  readonly signatures: readonly (readonly ModelSignature[])[];
}

/**
 * SVML end to end (Bertsimas, Digalakis, Ma & Paschalidis, "Slowly varying sequences"):
 * prefix batches → K candidates per batch trained on the worker pool (bootstrap × sampled
 * hyper-parameters) → validation scores → α-feasible layers → each candidate's distance
 * signature in one reference space (fitted on the last batch's rows, so every model is
 * compared in the same feature space) → shortest path (restricted Problem (1)), greedy and
 * best-per-batch sequences, the α frontier, and intra-sequence stability. Pair distances are
 * cached once and shared by all of these. With `initialModel`, f0 is fixed and every
 * sequence starts with d(f0, f_1) (paper §2.5).
 */
export async function selectSlowlyVarying(options: SelectSlowlyVaryingOptions): Promise<SlowlyVaryingSelection> {
  const { table, schema, k, alpha, mode, model, seed = 0 } = options;
  const distance = options.distance ?? defaultDistanceFor[model];
  if (distance === undefined) throw new Error(`selectSlowlyVarying: no default distance for model '${model}'; pass distance`);
  const batches =
    typeof options.batches === 'number' ? prefixBatches(temporalOrder(table, schema.time), options.batches) : options.batches;
  const own = options.pool === undefined ? new TrainingPool(options.poolSize !== undefined ? { size: options.poolSize } : {}) : undefined;
  const pool = options.pool ?? (own as TrainingPool);
  let pools: BatchPool[];
  try {
    pools = await buildCandidatePools(pool, {
      table,
      schema,
      batches,
      model,
      k,
      seed,
      ...(options.searchSpace ? { searchSpace: options.searchSpace } : {}),
      ...(options.validationFraction !== undefined ? { validationFraction: options.validationFraction } : {}),
      ...(options.preprocess ? { preprocess: options.preprocess } : {}),
      ...(options.onProgress ? { onProgress: (d: number, t: number) => options.onProgress?.('train', d, t) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.jobId !== undefined ? { jobId: options.jobId } : {}),
    });
  } finally {
    await own?.close();
  }
  const last = batches[batches.length - 1] as Int32Array;
  const space = referenceSpace(table, schema, last, options.preprocess);
  const permutation = distance === 'permutation' ? permutationSetup(table, schema, pools, options.permutation, seed) : undefined;
  const total = pools.reduce((s, p) => s + p.candidates.length, 0) + (options.initialModel ? 1 : 0);
  let signed = 0;
  const sign = async (ref: ModelRef): Promise<ModelSignature> => {
    const sig = await modelSignature(ref, distance, space, permutation);
    options.onProgress?.('signatures', ++signed, total);
    return sig;
  };
  const signatures: ModelSignature[][] = [];
  for (const p of pools) {
    const row: ModelSignature[] = [];
    for (const c of p.candidates) row.push(await sign({ pipeline: c.pipeline }));
    signatures.push(row);
  }
  const initialSig = options.initialModel ? await sign(options.initialModel) : undefined;
  const cache = new DistanceCache((from, to) => {
    const a = from.batch === INITIAL_MODEL.batch ? initialSig : signatures[from.batch]?.[from.index];
    const b = signatures[to.batch]?.[to.index];
    if (a === undefined || b === undefined) throw new Error(`no signature for batch ${from.batch}#${from.index} or ${to.batch}#${to.index}`);
    return signatureDistance(a, b);
  });
  const svmlMode = mode === 'auc' ? 'score' : 'loss';
  const scores = pools.map((p) => Float64Array.from(p.candidates, (c) => (mode === 'auc' ? c.auc : c.logLoss)));
  const initial = initialSig !== undefined;
  const layers = alphaFeasibleLayers(scores, alpha, svmlMode);
  const scored = (s: SequenceSelection): ScoredSequence => ({
    ...s,
    scores: Float64Array.from(s.indices, (i, b) => scores[b]?.[i] ?? Number.NaN),
    stability: intraSequenceStability(s.distances),
  });
  const sequence = scored(shortestSequence(layers, cache, { initial }));
  const greedy = scored(greedySequence(layers, scores, svmlMode, cache, { initial }));
  const bestIndices = Int32Array.from(scores, (s) => argBest(s, mode));
  const best = scored(withDistances(bestIndices, cache, initial));
  const alphas = [...new Set([...(options.alphas ?? [0.1, 0.05, 0.02, 0.01]), alpha])].sort((x, y) => y - x);
  const frontier = alphaFrontier(scores, alphas, svmlMode, cache, { initial, includeGreedy: true });
  return {
    model,
    distance,
    mode,
    alpha,
    pools,
    scores,
    layers,
    sequence,
    greedy,
    best,
    frontier,
    initial,
    distanceEvaluations: cache.evaluations,
    space,
    signatures,
  };
}

function argBest(scores: Float64Array, mode: SelectionMode): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) {
    if (mode === 'auc' ? (scores[i] as number) > (scores[best] as number) : (scores[i] as number) < (scores[best] as number)) best = i;
  }
  return best;
}

function permutationSetup(
  table: Table,
  schema: Schema,
  pools: readonly BatchPool[],
  options: SelectSlowlyVaryingOptions['permutation'] = {},
  seed: number,
) {
  const val = pools[pools.length - 1]?.validationRows ?? new Int32Array(0);
  const n = Math.min(val.length, options.rows ?? 1000);
  const rows = val.slice(val.length - n);
  const sample = takeRows(table, rows);
  return {
    table: sample,
    labels: extractLabels(sample, schema),
    ...(options.metric ? { metric: options.metric } : {}),
    repeats: options.repeats ?? 1,
    seed,
  };
}

/**
 * Inter-sequence stability (paper Definition 3, as `interSequenceStability` reads it) of S
 * selections rerun on perturbed pools (other seeds): mean over batches of the mean pairwise
 * distance between the models the S runs chose at the same batch. All runs must share the
 * batches and the reference space (same table, schema and batches; only the seed differs).
 */
export function interSequenceReport(
  runs: readonly SlowlyVaryingSelection[],
  pick: (run: SlowlyVaryingSelection) => SequenceSelection,
): InterSequenceStability {
  const first = runs[0];
  if (first === undefined) throw new RangeError('interSequenceReport: no runs');
  const nBatches = first.pools.length;
  return interSequenceStability(runs.length, nBatches, (b, s, t) => {
    const rs = runs[s] as SlowlyVaryingSelection;
    const rt = runs[t] as SlowlyVaryingSelection;
    const a = rs.signatures[b]?.[pick(rs).indices[b] ?? 0];
    const c = rt.signatures[b]?.[pick(rt).indices[b] ?? 0];
    if (a === undefined || c === undefined) throw new Error(`interSequenceReport: run ${s} or ${t} has no batch ${b}`);
    return signatureDistance(a, c);
  });
}
