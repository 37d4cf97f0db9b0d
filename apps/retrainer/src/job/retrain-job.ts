import { referenceProfileFromTable } from '@ratchet/drift';
import { type ModelManifest, type RetrainJobEvent, RetrainJobEventKind, RetrainOutcome } from '@ratchet/contracts';
import { Pipeline, exportPipeline, takeRows } from '@ratchet/ml';
import { type FlipReport, exportGatedPair, pipelineProba, unionInputs } from '@ratchet/pareto';
import { type FileRegistry, RegistryError, bumpSemver, compareSemver, sha256Hex } from '@ratchet/registry';
import type { Logger } from '@ratchet/service-kit';
import {
  type DistanceKind,
  type SelectionMode,
  type TrainingExecutor,
  modelSignature,
  selectSlowlyVarying,
  signatureDistance,
} from '@ratchet/training';
import type { BatchStore } from '../batch-store/batch-store.js';
import { type ChosenCandidate, type JobState, type JobStateStore, type JobTrigger, isTerminal } from './job-state.js';
import { RetrainSpanNames, traceJobRun, tracePhase } from './job-tracing.js';
import { PIPELINE_REPORT, REGRESSION_BUDGET_LABEL, type ProductionVersion, latestVersion, regressionBudget, loadProduction, manifestInputs, productionModel } from './production.js';
import { type PublishDecision, decidePublication } from './publishing-rule.js';
import { mergeFeatures, trainingData, type TrainingData } from './training-data.js';

/** Settings of retraining jobs (see `retrainerConfigSchema` for the env variables). */
export interface RetrainSettings {
  /** Candidates per batch. */
  readonly k: number;
  /** α of the slowly varying selection: candidates within α of the batch's best are feasible. */
  readonly alpha: number;
  readonly mode: SelectionMode;
  /** Regression budget vs production and the confidence of its bound. */
  readonly budget: number;
  readonly confidence: number;
  readonly gate: 'knn' | 'meta';
  /** Latest fraction of the job's rows held out (gate fit / calibration / test). */
  readonly holdoutFraction: number;
  /** Fraction of each prefix batch the candidates are validated on. */
  readonly validationFraction: number;
  readonly minBatchRows: number;
  /** Train on at most this many of the latest sealed batches. */
  readonly maxBatches: number;
  /** Model kind when production records none. */
  readonly defaultModelKind: string;
  /** Default: the model kind's own distance; `permutation` for an ONNX-only production. */
  readonly distance?: DistanceKind;
  readonly seed: number;
}

export const defaultRetrainSettings: RetrainSettings = {
  k: 8,
  alpha: 0.02,
  mode: 'auc',
  budget: 0,
  confidence: 0.95,
  gate: 'meta',
  holdoutFraction: 0.3,
  validationFraction: 0.2,
  minBatchRows: 50,
  maxBatches: 10,
  defaultModelKind: 'logistic-regression',
  seed: 0,
};

/** What a job uses. */
export interface RetrainJobDeps {
  readonly store: BatchStore;
  readonly registry: FileRegistry;
  readonly states: JobStateStore;
  readonly logger: Logger;
  /** Where candidates train: a shared `TrainingPool` (threads) or the bus executor (retrainer workers); default a pool per job. */
  readonly pool?: TrainingExecutor;
  /** Receives the job's events (the service publishes them on `ratchet.retrain.jobs.v1`). */
  readonly emit?: (event: RetrainJobEvent) => void | Promise<void>;
  /** The version a job starts from; default the highest version in the registry. */
  readonly productionVersion?: (model: string) => Promise<string | undefined>;
  readonly now?: () => number;
  /** Called after each phase is persisted (tests throw here to simulate a crash). */
  readonly afterPhase?: (state: JobState) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Receives the wall time of each step of a run as it ends (benchmarks); absent = no timing. */
  readonly onStep?: (timing: JobStepTiming) => void;
}

/**
 * A timed step of a job run: training the candidate pools, the slowly varying selection (with
 * the distance to production), the publishing rule (flip report, gate, ONNX export, artifact
 * write), the registry publish. A resumed run reports only the steps it runs again.
 */
export type JobStep = 'pools' | 'selection' | 'publishing-rule' | 'publish';

/** Wall time of one {@link JobStep}. */
export interface JobStepTiming {
  readonly step: JobStep;
  readonly ms: number;
}

/** A job error; `retriable` says whether running the job again may help. */
export class RetrainJobError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetrainJobError';
  }
}

/**
 * Creates the state of a new job for `model` (phase `started`): parent = production version,
 * batches = the latest `maxBatches` sealed batches. The job id is deterministic in the last
 * batch (`job-b000007`): a second trigger without new data finds the job already there and
 * does not train or publish again (a failed job is planned afresh). Returns `{ refused }`
 * when there is nothing to train on or from.
 */
export async function planJob(
  model: string,
  trigger: JobTrigger,
  settings: RetrainSettings,
  deps: RetrainJobDeps,
  maxBatches = settings.maxBatches,
): Promise<JobState | { readonly refused: string }> {
  const parent = await (deps.productionVersion ?? ((m: string) => latestVersion(deps.registry, m)))(model);
  if (parent === undefined) return { refused: `model ${model} has no production version to retrain from` };
  const batches = (await deps.store.listBatches(model)).slice(-maxBatches);
  const last = batches.at(-1);
  if (last === undefined) return { refused: `model ${model} has no sealed batch of labelled rows` };
  const jobId = `job-${last.id}`;
  const existing = await deps.states.load(model, jobId);
  if (existing !== undefined && existing.phase !== 'failed') return existing;
  const now = (deps.now ?? Date.now)();
  const state: JobState = {
    jobId,
    model,
    trigger,
    parentVersion: parent,
    batchIds: batches.map((b) => b.id),
    seed: settings.seed,
    phase: 'started',
    startedAtMs: now,
    updatedAtMs: now,
  };
  await deps.states.save(state);
  return state;
}

function flipNumbers(r: FlipReport | undefined) {
  return r
    ? { evaluationRows: r.n, regressions: r.regressions, gains: r.gains, regressionUpperBound: r.regressionUpperBound, accuracyParent: r.accuracyA, accuracyNew: r.accuracyB }
    : { evaluationRows: 0, regressions: 0, gains: 0, regressionUpperBound: 0, accuracyParent: 0, accuracyNew: 0 };
}

/**
 * Runs (or resumes) a job to its end. Phases, each persisted before the next starts:
 * `started` → `trained` (SVML selection with f0 = production; the final model of the
 * sequence is the candidate) → `decided` (publishing rule; the exact artifact, manifest,
 * version and sha256 are written down) → `published` or `refused`. A restart resumes at the
 * last persisted phase; training is deterministic in the job's seed and batches. Publishing a
 * version that is already there with the same sha256 counts as done, so a crash between the
 * registry write and the state write never publishes twice. Each run is traced as a
 * `retrain.job` span linked to the trigger's span, with a child span per phase it runs; the
 * job's events are published inside it.
 */
export function runJob(initial: JobState, settings: RetrainSettings, deps: RetrainJobDeps): Promise<JobState> {
  return traceJobRun(initial, () => runPhases(initial, settings, deps));
}

async function runPhases(initial: JobState, settings: RetrainSettings, deps: RetrainJobDeps): Promise<JobState> {
  const logger = deps.logger.child({ component: 'retrain-job', model: initial.model, jobId: initial.jobId });
  const now = deps.now ?? Date.now;
  let state = initial;
  const emit = async (kind: RetrainJobEventKind, extra: Partial<RetrainJobEvent> = {}) => {
    await deps.emit?.({
      jobId: state.jobId,
      model: state.model,
      kind,
      phase: state.phase,
      parentVersion: state.parentVersion,
      version: '',
      outcome: RetrainOutcome.RETRAIN_OUTCOME_UNSPECIFIED,
      reason: state.reason ?? '',
      retriable: false,
      triggerId: state.trigger.id,
      trigger: state.trigger.kind,
      batchIds: [...state.batchIds],
      ...flipNumbers(undefined),
      atMs: now(),
      artifactSha256: state.plan?.sha256 ?? '',
      ...extra,
    });
  };
  const advance = async (next: Partial<JobState>) => {
    state = { ...state, ...next, updatedAtMs: now() };
    await deps.states.save(state);
    logger.info('retrain job phase', { phase: state.phase, version: state.plan?.version ?? null, reason: state.reason ?? null });
    await deps.afterPhase?.(state);
  };
  if (isTerminal(state.phase)) return state;
  if (state.phase === 'started') await emit(RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_STARTED);
  let production: ProductionVersion | undefined;
  let data: TrainingData | undefined;
  const load = async () => {
    production ??= await loadProduction(deps.registry, state.model, state.parentVersion, settings.defaultModelKind);
    if (data === undefined) {
      const p = production;
      const features = mergeFeatures(p.pipeline?.schema.features ?? [], p.inputs);
      const bt = await deps.store.readTable(state.model, state.batchIds, { labelColumn: p.label, positiveClass: p.positiveClass, features });
      data = trainingData(bt, { features, label: p.label, positiveClass: p.positiveClass }, {
        holdoutFraction: settings.holdoutFraction,
        minBatchRows: settings.minBatchRows,
        seed: state.seed,
      });
    }
    return { production, data };
  };
  try {
    if (state.phase === 'started') {
      const candidate = await tracePhase(RetrainSpanNames.train, state, async () => {
        const { production: p, data: d } = await load();
        return chooseCandidate(p, d, settings, state.seed, deps, `${state.model}/${state.jobId}`);
      });
      await advance({ phase: 'trained', candidate });
      await emit(RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PHASE);
    }
    if (state.phase === 'trained') {
      const decided = await tracePhase(RetrainSpanNames.decide, state, async () => {
        const { production: p, data: d } = await load();
        return timed(deps, 'publishing-rule', () => decide(state, p, d, settings, deps));
      });
      if (decided.kind === 'none') {
        await advance({ phase: 'refused', reason: decided.reason });
        await emit(RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_REFUSED, { outcome: RetrainOutcome.RETRAIN_OUTCOME_NONE, ...flipNumbers(decided.report) });
        return state;
      }
      await advance({ phase: 'decided', plan: decided.plan });
      await emit(RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PHASE, { version: decided.plan.version, ...flipNumbers(decided.report) });
    }
    if (state.phase === 'decided') {
      const plan = state.plan;
      if (plan === undefined) throw new RetrainJobError(`job ${state.jobId} is decided but has no plan`, false);
      const { artifact, manifest } = await deps.states.readArtifact(state.model, state.jobId);
      if (sha256Hex(artifact) !== plan.sha256) throw new RetrainJobError(`job ${state.jobId}: the saved artifact does not match sha256 ${plan.sha256}`, false);
      await tracePhase(RetrainSpanNames.publish, state, () =>
        timed(deps, 'publish', () => publishOnce(deps.registry, state.model, plan.version, artifact, manifest as Partial<ModelManifest>, plan.sha256)),
      );
      await advance({ phase: 'published' });
      const flip = JSON.parse((manifest as { reports: Record<string, string> }).reports['flip_report'] ?? '{}') as { published?: FlipReport };
      await emit(RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED, {
        version: plan.version,
        outcome: plan.outcome === 'candidate' ? RetrainOutcome.RETRAIN_OUTCOME_CANDIDATE : RetrainOutcome.RETRAIN_OUTCOME_GATED_PAIR,
        ...flipNumbers(flip.published),
      });
    }
    return state;
  } catch (err) {
    const retriable = (err as { retriable?: unknown }).retriable !== false;
    const reason = err instanceof Error ? err.message : String(err);
    if (deps.signal?.aborted) throw err;
    // A crash simulated by a test hook must leave the persisted phase as it was.
    if ((err as { simulatedCrash?: boolean }).simulatedCrash) throw err;
    logger.error('retrain job failed', { error: err, phase: state.phase, retriable });
    await advance({ phase: 'failed', reason });
    await emit(RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_FAILED, { reason, retriable });
    return state;
  }
}

async function chooseCandidate(p: ProductionVersion, d: TrainingData, settings: RetrainSettings, seed: number, deps: RetrainJobDeps, jobId: string): Promise<ChosenCandidate> {
  const distance = p.pipeline ? settings.distance : 'permutation';
  const t0 = performance.now();
  let poolsMs: number | undefined;
  const selection = await selectSlowlyVarying({
    table: d.table,
    schema: d.schema,
    batches: d.batches,
    k: settings.k,
    alpha: settings.alpha,
    mode: settings.mode,
    model: p.modelKind,
    ...(distance ? { distance } : {}),
    initialModel: p.ref,
    seed,
    validationFraction: settings.validationFraction,
    ...(deps.pool ? { pool: deps.pool } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    jobId,
    // The last finished training task ends the pools step (timed for deps.onStep).
    onProgress: (stage, done, total) => {
      if (stage === 'train' && done === total) poolsMs ??= performance.now() - t0;
    },
  });
  const last = selection.pools.length - 1;
  const index = selection.sequence.indices[last] as number;
  const c = selection.pools[last]?.candidates[index];
  if (c === undefined) throw new RetrainJobError(`no candidate ${index} in the last batch`, false);
  // d(f0, f_B) on the held-out test rows (the permutation distance needs rows; others ignore them).
  const test = d.splits.test;
  const setup = { table: test.table, labels: test.y, repeats: 1, seed };
  const [f0, fB] = [await modelSignature(p.ref, selection.distance, selection.space, setup), await modelSignature({ pipeline: c.pipeline }, selection.distance, selection.space, setup)];
  const totalMs = performance.now() - t0;
  deps.onStep?.({ step: 'pools', ms: poolsMs ?? totalMs });
  deps.onStep?.({ step: 'selection', ms: totalMs - (poolsMs ?? totalMs) });
  return {
    pipeline: c.pipeline,
    batch: last,
    index,
    validationAuc: c.auc,
    validationLogLoss: c.logLoss,
    alpha: settings.alpha,
    distance: selection.distance,
    sequenceDistances: Array.from(selection.sequence.distances),
    distanceToParent: signatureDistance(f0, fB),
    trainRows: d.batches.at(-1)?.length ?? 0,
  };
}

type Decided = { kind: 'none'; reason: string; report: FlipReport } | { kind: 'publish'; plan: NonNullable<JobState['plan']>; report: FlipReport };

async function decide(state: JobState, p: ProductionVersion, d: TrainingData, settings: RetrainSettings, deps: RetrainJobDeps): Promise<Decided> {
  const chosen = state.candidate;
  if (chosen === undefined) throw new RetrainJobError(`job ${state.jobId} is trained but has no candidate`, false);
  const candidate = Pipeline.fromJSON(chosen.pipeline);
  const prod = await productionModel(p);
  const budget = regressionBudget(p.record, settings.budget);
  let decision: PublishDecision;
  try {
    decision = await decidePublication(prod, candidate, d.splits, { budget, confidence: settings.confidence, gate: settings.gate, seed: state.seed });
  } finally {
    await prod.release();
  }
  if (decision.kind === 'none') return { kind: 'none', reason: decision.reason, report: decision.report };
  const published = decision.kind === 'candidate' ? decision.report : decision.gated;
  // Both outcomes carry a newly trained model, so both are retrains: minor. (Patch is for a
  // gate-only change — recalibrating the gate of an existing pair — which jobs do not do yet.)
  const part = 'minor';
  const versions = (await deps.registry.versions(state.model)).sort(compareSemver);
  const version = bumpSemver(versions.at(-1) ?? state.parentVersion, part);
  let artifact: Uint8Array;
  let format: string;
  let inputs;
  const outputs = [
    { name: 'label', datatype: 'INT64', shape: [-1], allowNan: false },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 2], allowNan: false },
  ];
  if (decision.kind === 'candidate') {
    artifact = exportPipeline(candidate);
    format = 'onnx';
    inputs = manifestInputs(candidate.preprocessor.inputs);
  } else {
    const a = prod.pipeline;
    if (a === undefined) throw new RetrainJobError('gated pair without a production pipeline', false);
    artifact = exportGatedPair(a, candidate, decision.fitted.gate, { budget, confidence: settings.confidence });
    format = 'onnx-composite';
    inputs = manifestInputs(unionInputs(a.preprocessor.inputs, candidate.preprocessor.inputs, decision.fitted.gate.features.inputs));
    outputs.push({ name: 'arm', datatype: 'INT64', shape: [-1], allowNan: false });
  }
  const trainRows = Int32Array.from({ length: d.trainRows }, (_, i) => i);
  const trainTable = takeRows(d.table, trainRows);
  const profile = referenceProfileFromTable(trainTable, d.schema, { scores: pipelineProba(candidate, trainTable, 'candidate') });
  const safety = decision.kind === 'candidate' ? decision.safety : decision.gatedSafety;
  const manifest: Partial<ModelManifest> = {
    format,
    inputs,
    outputs,
    parentVersion: state.parentVersion,
    labels: {
      trainer: 'ratchet retrainer',
      job_id: state.jobId,
      outcome: decision.kind,
      model_kind: candidate.model.kind,
      label: d.schema.label,
      positive_class: d.schema.positiveClass,
      trigger: `${state.trigger.kind}:${state.trigger.id}`,
      [REGRESSION_BUDGET_LABEL]: String(budget),
      confidence: String(settings.confidence),
      ...(decision.kind === 'gated-pair' ? { gate: settings.gate } : {}),
    },
    metrics: {
      accuracy: published.accuracyB,
      accuracy_parent: published.accuracyA,
      regressions: published.regressions,
      gains: published.gains,
      nfr: published.nfr,
      regression_upper_bound: published.regressionUpperBound,
      ...(published.probabilistic ? { log_loss: published.probabilistic.logLossB, brier: published.probabilistic.brierB } : {}),
      validation_auc: chosen.validationAuc,
      validation_log_loss: chosen.validationLogLoss,
      alpha: chosen.alpha,
      distance_to_parent: chosen.distanceToParent,
      train_rows: d.trainRows,
      holdout_rows: d.splits.test.table.nRows,
    },
    reports: {
      [PIPELINE_REPORT]: JSON.stringify(chosen.pipeline),
      lineage: JSON.stringify({ parentVersion: state.parentVersion, batchIds: state.batchIds, jobId: state.jobId, trigger: state.trigger }),
      selection: JSON.stringify({ alpha: chosen.alpha, mode: settings.mode, distance: chosen.distance, distanceToParent: chosen.distanceToParent, sequenceDistances: chosen.sequenceDistances, batch: chosen.batch, index: chosen.index }),
      flip_report: JSON.stringify({ published, candidate: decision.report, safety, ...(decision.kind === 'gated-pair' ? { routed: decision.routed, calibration: decision.fitted.calibration } : {}) }),
      drift_profile: JSON.stringify(profile.toJSON()),
    },
  };
  const sha256 = sha256Hex(artifact);
  await deps.states.writeArtifact(state.model, state.jobId, artifact, manifest);
  return { kind: 'publish', plan: { outcome: decision.kind, version, sha256 }, report: published };
}

/** Runs `work` and reports its wall time as `step` to `deps.onStep`. */
async function timed<T>(deps: RetrainJobDeps, step: JobStep, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await work();
  deps.onStep?.({ step, ms: performance.now() - t0 });
  return result;
}

/** Publishes, treating "already there with the same sha256" as success (a resumed job). */
async function publishOnce(registry: FileRegistry, model: string, version: string, artifact: Uint8Array, manifest: Partial<ModelManifest>, sha256: string): Promise<void> {
  try {
    await registry.publish({ model, version, artifact, manifest });
  } catch (err) {
    if (!(err instanceof RegistryError) || err.code !== 'ALREADY_EXISTS') throw err;
    const existing = await registry.get(model, version);
    if (existing?.sha256 !== sha256) {
      throw new RetrainJobError(`${model}@${version} already exists with another artifact (sha256 ${existing?.sha256 ?? '?'}, ours ${sha256})`, false, { cause: err });
    }
  }
}

