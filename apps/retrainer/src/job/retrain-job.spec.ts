import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RetrainJobEventKind, type RetrainJobEvent } from '@ratchet/contracts';
import { ReferenceProfile } from '@ratchet/drift';
import { FileRegistry } from '@ratchet/registry';
import { createLogger } from '@ratchet/service-kit';
import { TrainingPool } from '@ratchet/training';
import { FileBatchStore } from '../batch-store/file-batch-store.js';
import { JobStateStore, type JobState } from './job-state.js';
import { seedDriftedModel } from '../testing/drifted-model.js';
import { PIPELINE_REPORT } from './production.js';
import { type JobStepTiming, type RetrainJobDeps, type RetrainSettings, defaultRetrainSettings, planJob, runJob } from './retrain-job.js';

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
    // Production 1.0.0 trained before a covariate shift; 2500 labelled rows after it, in 5 batches.
    await seedDriftedModel(registry, store);
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

  it('reports the wall time of each step it runs, and a resumed run only the steps it runs again', async () => {
    const planned = await planJob('m', trigger, settings, deps());
    if (!('jobId' in planned)) throw new Error(planned.refused);
    const steps: JobStepTiming[] = [];
    const crashAfterTrained = (s: JobState) => {
      if (s.phase === 'trained') throw Object.assign(new Error('simulated crash'), { simulatedCrash: true });
    };
    await expect(runJob(planned, settings, deps({ onStep: (t) => void steps.push(t), afterPhase: crashAfterTrained }))).rejects.toThrow(/simulated crash/);
    expect(steps.map((t) => t.step)).toEqual(['pools', 'selection']);
    const resumed: JobStepTiming[] = [];
    const saved = await new JobStateStore(join(root, 'jobs')).load('m', planned.jobId);
    if (saved === undefined) throw new Error('the trained job state was not saved');
    const done = await runJob(saved, settings, deps({ onStep: (t) => void resumed.push(t) }));
    expect(done.phase, done.reason).toBe('published');
    // Training is not redone after the restart: only the publishing rule and the publish run.
    expect(resumed.map((t) => t.step)).toEqual(['publishing-rule', 'publish']);
    for (const t of [...steps, ...resumed]) expect(Number.isFinite(t.ms) && t.ms >= 0, `${t.step}: ${t.ms} ms`).toBe(true);
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
