import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RetrainJobEvent } from '@ratchet/contracts';
import { exportPipeline, extractLabels, fitPipeline } from '@ratchet/ml';
import type { FlipReport } from '@ratchet/pareto';
import { FileRegistry } from '@ratchet/registry';
import {
  FileBatchStore,
  type JobStep,
  JobStateStore,
  PIPELINE_REPORT,
  type RetrainJobDeps,
  type RetrainSettings,
  Retrainer,
  defaultRetrainSettings,
  manifestInputs,
  tableRows,
} from '@ratchet/retrainer';
import { createLogger } from '@ratchet/service-kit';
import { TrainingPool } from '@ratchet/training';
import type { RetrainDataset } from './retrain-datasets.js';

/**
 * Where a job's candidates train: the job dependencies it supplies (today the worker-thread
 * pool; a Kafka fan-out executor plugs in the same way) and how to stop it. Started before the
 * job and closed after it, so its start-up is not in the job's time.
 */
export interface RetrainExecutor {
  readonly label: string;
  readonly deps: Partial<RetrainJobDeps>;
  close(): Promise<void>;
}

/** The embedded default: a `TrainingPool` of `size` worker threads. */
export function workerThreadExecutor(size: number): RetrainExecutor {
  const pool = new TrainingPool({ size });
  return { label: `${size} worker thread${size === 1 ? '' : 's'}`, deps: { pool }, close: () => pool.close() };
}

/** Options of {@link runRetrainScenario}. */
export interface RetrainScenarioOptions {
  readonly data: RetrainDataset;
  /** Model kind of production and of the candidates (`logistic-regression`, `gbdt`, …). */
  readonly model: string;
  readonly executor: RetrainExecutor;
  /** Prefix batches the job trains candidate pools on. */
  readonly batches: number;
  /** Candidates per batch. */
  readonly k: number;
  /** Other settings over the retrainer's defaults. */
  readonly settings?: Partial<RetrainSettings>;
  readonly seed?: number;
}

/** A flip report vs production on the job's held-out test rows, in short. */
export interface FlipNumbers {
  readonly regressions: number;
  readonly gains: number;
  readonly accuracy: number;
}

/** What one job took and what it decided. */
export interface RetrainScenarioResult {
  readonly data: string;
  readonly model: string;
  readonly executor: string;
  /** Candidate pools the job trained (prefix batches) and candidates per pool. */
  readonly pools: number;
  readonly k: number;
  readonly trainRows: number;
  /** Wall time of each step of the job, in seconds. */
  readonly seconds: Readonly<Record<JobStep, number>>;
  /** Everything else of the job: sealing, planning, reading the batches, state writes, events. */
  readonly otherSeconds: number;
  /** From the trigger to the job's end. */
  readonly totalSeconds: number;
  /** CPU time of the whole process (main and worker threads) over the job: the work done, whatever the machine's load. */
  readonly cpuSeconds: number;
  /** `candidate` (published alone), `gated-pair` or `refused`. */
  readonly outcome: string;
  readonly version: string;
  readonly reason: string;
  /** Held-out test rows of the flip reports, and production's accuracy on them. */
  readonly evaluationRows: number;
  readonly accuracyProduction: number;
  /** The chosen candidate alone vs production. */
  readonly candidate: FlipNumbers;
  /** What was published (the candidate, or the gated pair) vs production; absent when refused. */
  readonly published?: FlipNumbers;
  readonly distanceToParent: number;
}

const MODEL = 'bench';

/**
 * One real retraining job as the retrainer service runs it (`Retrainer.trigger`: seal, plan,
 * run) on a temporary FileRegistry and FileBatchStore: production 1.0.0 is trained on the data
 * set's production rows and published first; the job's rows are stored in batches sized so
 * that, after the retrainer holds out its latest `holdoutFraction`, exactly `batches` prefix
 * batches remain, each with `k` candidates. Step times come from the job's `onStep` hook.
 */
export async function runRetrainScenario(o: RetrainScenarioOptions): Promise<RetrainScenarioResult> {
  const { data, model, executor, batches, k, seed = 0 } = o;
  const root = await mkdtemp(join(tmpdir(), 'ratchet-bench-retrain-'));
  const registry = new FileRegistry({ root: join(root, 'registry') });
  const n = data.job.nRows;
  const holdoutFraction = o.settings?.holdoutFraction ?? defaultRetrainSettings.holdoutFraction;
  const trainRows = n - Math.round(n * holdoutFraction);
  // Batches of ⌈train rows / batches⌉: the last training batch ends exactly where the held-out rows start.
  const batchRows = Math.ceil(trainRows / batches);
  const store = new FileBatchStore({ root: join(root, 'batches'), batchRows });
  const settings: RetrainSettings = { ...defaultRetrainSettings, k, seed, holdoutFraction, maxBatches: Math.ceil(n / batchRows), ...o.settings };
  const seconds: Record<JobStep, number> = { pools: 0, selection: 0, 'publishing-rule': 0, publish: 0 };
  const events: RetrainJobEvent[] = [];
  try {
    const pipeline = fitPipeline(data.production, { schema: data.schema, model: { kind: model, params: {} }, seed });
    await registry.publish({
      model: MODEL,
      version: '1.0.0',
      artifact: exportPipeline(pipeline),
      manifest: { format: 'onnx', inputs: manifestInputs(pipeline.preprocessor.inputs), reports: { [PIPELINE_REPORT]: JSON.stringify(pipeline.toJSON()) } },
    });
    const y = extractLabels(data.job, data.schema);
    await store.append(MODEL, tableRows(data.job, y, { keyPrefix: data.name, label: data.schema.label, timeMs: 0 }));
    const retrainer = new Retrainer(settings, {
      store,
      registry,
      states: new JobStateStore(join(root, 'jobs')),
      logger: createLogger({ name: 'bench-retrain', level: 'error', stream: process.stderr }),
      emit: (e) => void events.push(e),
      onStep: (t) => (seconds[t.step] += t.ms / 1000),
      ...executor.deps,
    });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const started = await retrainer.trigger(MODEL, { kind: 'request', id: 'bench', reason: 'retrain-job bench' });
    if (started.status !== 'started') throw new Error(`retrain bench (${data.name}, ${model}): the job did not start (${started.status})`);
    const state = await started.done;
    const totalSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (state.phase === 'failed') throw new Error(`retrain bench (${data.name}, ${model}, ${executor.label}): the job failed: ${state.reason ?? '?'}`);
    const flips = await flipReports(registry, state.plan?.version, events.at(-1));
    const stepSum = Object.values(seconds).reduce((s, v) => s + v, 0);
    return {
      data: data.name,
      model,
      executor: executor.label,
      pools: (state.candidate?.batch ?? -1) + 1,
      k,
      trainRows,
      seconds,
      otherSeconds: totalSeconds - stepSum,
      totalSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      outcome: state.phase === 'published' ? (state.plan?.outcome ?? '?') : state.phase,
      version: state.plan?.version ?? '',
      reason: state.reason ?? '',
      ...flips,
      distanceToParent: state.candidate?.distanceToParent ?? Number.NaN,
    };
  } finally {
    await store.close();
    await rm(root, { recursive: true, force: true });
  }
}

function flipNumbers(r: FlipReport): FlipNumbers {
  return { regressions: r.regressions, gains: r.gains, accuracy: r.accuracyB };
}

/** The candidate's and the published model's flip reports from the version's manifest; for a refusal, the candidate's from the job's last event. */
async function flipReports(
  registry: FileRegistry,
  version: string | undefined,
  last: RetrainJobEvent | undefined,
): Promise<Pick<RetrainScenarioResult, 'evaluationRows' | 'accuracyProduction' | 'candidate' | 'published'>> {
  if (version === undefined) {
    if (last === undefined) throw new Error('retrain bench: the job emitted no event');
    return {
      evaluationRows: last.evaluationRows,
      accuracyProduction: last.accuracyParent,
      candidate: { regressions: last.regressions, gains: last.gains, accuracy: last.accuracyNew },
    };
  }
  const record = await registry.get(MODEL, version);
  const flip = JSON.parse(record?.manifest.reports['flip_report'] ?? '{}') as { published?: FlipReport; candidate?: FlipReport };
  if (flip.published === undefined || flip.candidate === undefined) throw new Error(`retrain bench: ${MODEL}@${version} has no flip report`);
  return { evaluationRows: flip.published.n, accuracyProduction: flip.published.accuracyA, candidate: flipNumbers(flip.candidate), published: flipNumbers(flip.published) };
}
