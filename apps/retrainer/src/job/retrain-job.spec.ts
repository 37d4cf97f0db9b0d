import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RetrainJobEventKind, type RetrainJobEvent } from '@ratchet/contracts';
import { ReferenceProfile } from '@ratchet/drift';
import { exportPipeline, extractLabels, fitPipeline, makeSyntheticBinary } from '@ratchet/ml';
import { FileRegistry } from '@ratchet/registry';
import { createLogger } from '@ratchet/service-kit';
import { TrainingPool } from '@ratchet/training';
import { FileBatchStore } from '../batch-store/file-batch-store.js';
import { tableRows } from '../batch-store/labeled-rows.js';
import { JobStateStore, type JobState } from './job-state.js';
import { PIPELINE_REPORT, manifestInputs } from './production.js';
import { type RetrainJobDeps, type RetrainSettings, defaultRetrainSettings, planJob, runJob } from './retrain-job.js';

// A budget the retrained candidate meets on this noisy problem (the rule's three outcomes are covered in publishing-rule.spec).
const settings: RetrainSettings = { ...defaultRetrainSettings, k: 3, budget: 0.12, alpha: 0.05 };
const logger = createLogger({ name: 'retrainer-test', level: 'error' });
const trigger = { kind: 'request', id: 'req-1', reason: 'test' };

describe('retraining job', () => {
  let root: string;
  let pool: TrainingPool;
  let registry: FileRegistry;
  let store: FileBatchStore;
  let events: RetrainJobEvent[];
  const deps = (extra: Partial<RetrainJobDeps> = {}): RetrainJobDeps => ({
    store,
    registry,
    states: new JobStateStore(join(root, 'jobs')),
    logger,
    pool,
    emit: (e) => void events.push(e),
    ...extra,
  });

  beforeAll(() => {
    pool = new TrainingPool({ size: 1 });
  });
  afterAll(async () => {
    await pool.close();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-retrain-'));
    registry = new FileRegistry({ root: join(root, 'registry') });
    store = new FileBatchStore({ root: join(root, 'batches'), batchRows: 500 });
    events = [];
    // Production 1.0.0: logistic regression on 60 rows before the drift (weak, so a retrain helps).
    const before = makeSyntheticBinary({ nRows: 60, seed: 1 });
    const pipeline = fitPipeline(before.table, { schema: before.schema, model: { kind: 'logistic-regression', params: {} } });
    await registry.publish({
      model: 'm',
      version: '1.0.0',
      artifact: exportPipeline(pipeline),
      manifest: { format: 'onnx', inputs: manifestInputs(pipeline.preprocessor.inputs), reports: { [PIPELINE_REPORT]: JSON.stringify(pipeline.toJSON()) } },
    });
    // Labelled traffic after a covariate shift, 2500 rows in 5 batches.
    const after = makeSyntheticBinary({ nRows: 2500, seed: 2, shift: 1 });
    const y = extractLabels(after.table, after.schema);
    await store.append('m', tableRows(after.table, y, { keyPrefix: 'after', label: after.schema.label, timeMs: 1_000 }));
  });
  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('trains from the store and publishes a version whose manifest records lineage, α, distance, flip report, metrics, profile and pipeline', async () => {
    const planned = await planJob('m', trigger, settings, deps());
    if (!('jobId' in planned)) throw new Error(planned.refused);
    expect(planned.batchIds).toEqual(['b000001', 'b000002', 'b000003', 'b000004', 'b000005']);
    const done = await runJob(planned, settings, deps());
    expect(done.phase, done.reason).toBe('published');
    const version = done.plan?.version ?? '';
    const record = await registry.get('m', version);
    expect(record?.sha256).toBe(done.plan?.sha256);
    const m = record!.manifest;
    expect(m.parentVersion).toBe('1.0.0');
    expect(JSON.parse(m.reports['lineage'] ?? '{}')).toMatchObject({ parentVersion: '1.0.0', batchIds: planned.batchIds });
    expect(m.metrics['alpha']).toBe(0.05);
    expect(m.metrics['distance_to_parent']).toBeGreaterThanOrEqual(0);
    const flip = JSON.parse(m.reports['flip_report'] ?? '{}') as { published: { n: number; regressions: number } };
    expect(flip.published.n).toBe(m.metrics['holdout_rows']);
    expect(m.metrics['accuracy']).toBeGreaterThan(0.5);
    expect(ReferenceProfile.fromJSON(JSON.parse(m.reports['drift_profile'] ?? '{}'))).toBeInstanceOf(ReferenceProfile);
    expect(JSON.parse(m.reports[PIPELINE_REPORT] ?? '{}')).toEqual(done.candidate?.pipeline);
    // a retrain is a minor bump, whether the candidate ships alone or behind a gate
    expect(version).toBe('1.1.0');
    expect(events.map((e) => e.kind)).toEqual([
      RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_STARTED,
      RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PHASE,
      RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PHASE,
      RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED,
    ]);
    expect(events.at(-1)).toMatchObject({ version, parentVersion: '1.0.0', triggerId: 'req-1', evaluationRows: flip.published.n });
    // A second trigger on the same data finds the finished job and publishes nothing more.
    const again = await planJob('m', trigger, settings, deps());
    expect('jobId' in again && again.phase).toBe('published');
    expect(await registry.versions('m')).toHaveLength(2);
  }, 120_000);

  it('resumes after a crash once the candidate is chosen and publishes exactly one version', async () => {
    const planned = await planJob('m', trigger, settings, deps());
    if (!('jobId' in planned)) throw new Error(planned.refused);
    const crash = (phase: JobState['phase']) => (s: JobState) => {
      if (s.phase === phase) throw Object.assign(new Error(`simulated crash after ${phase}`), { simulatedCrash: true });
    };
    await expect(runJob(planned, settings, deps({ afterPhase: crash('trained') }))).rejects.toThrow(/simulated crash after trained/);
    // The restarted service finds the job unfinished and resumes it from the saved candidate.
    const [unfinished] = await new JobStateStore(join(root, 'jobs')).unfinished();
    expect(unfinished?.phase).toBe('trained');
    const done = await runJob(unfinished!, settings, deps());
    expect(done.phase, done.reason).toBe('published');
    expect(await registry.versions('m')).toEqual(['1.0.0', done.plan?.version]);
  }, 120_000);

  it('counts a version already in the registry with the same sha256 as published (crash between publish and state write)', async () => {
    const planned = await planJob('m', trigger, settings, deps());
    if (!('jobId' in planned)) throw new Error(planned.refused);
    const states = new JobStateStore(join(root, 'jobs'));
    let decided: JobState | undefined;
    const stopAtDecided = (s: JobState) => {
      if (s.phase === 'decided') {
        decided = s;
        throw Object.assign(new Error('simulated crash'), { simulatedCrash: true });
      }
    };
    await expect(runJob(planned, settings, deps({ afterPhase: stopAtDecided }))).rejects.toThrow(/simulated crash/);
    // The registry write happened, the state write did not.
    const { artifact, manifest } = await states.readArtifact('m', planned.jobId);
    await registry.publish({ model: 'm', version: decided!.plan!.version, artifact, manifest: manifest as never });
    const done = await runJob((await states.load('m', planned.jobId))!, settings, deps());
    expect(done.phase, done.reason).toBe('published');
    expect(await registry.versions('m')).toHaveLength(2);
  }, 120_000);

  it('refuses to plan a job for a model without a production version', async () => {
    expect(await planJob('other', trigger, settings, deps())).toEqual({ refused: 'model other has no production version to retrain from' });
  });
});
