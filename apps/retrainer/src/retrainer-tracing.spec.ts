import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryBus, parseTraceparent } from '@ratchet/bus';
import { Alert, AlertKind, type RetrainJobEvent, RetrainJobEventKind, Topics } from '@ratchet/contracts';
import { FileRegistry } from '@ratchet/registry';
import { type SpanRecord, type Telemetry, createLogger, createMetricsRegistry, readSpanFile, startTelemetry } from '@ratchet/service-kit';
import { FileBatchStore } from './batch-store/file-batch-store.js';
import { type JobState, JobStateStore } from './job/job-state.js';
import { RetrainSpanNames } from './job/job-tracing.js';
import { defaultRetrainSettings, planJob, runJob } from './job/retrain-job.js';
import { defaultRetrainerSettings, startRetrainerService } from './retrainer-service.js';
import { seedDriftedModel } from './testing/drifted-model.js';

// A budget the retrained candidate meets on this noisy problem, as in retrain-job.spec.
const jobs = { ...defaultRetrainSettings, k: 3, budget: 0.12, alpha: 0.05 };
const logger = createLogger({ name: 'retrainer-tracing-test', level: 'error' });
// The alert's `monitor.alert` span, as its record's traceparent carries it.
const ALERT_SPAN = { traceId: 'a1e47000000000000000000000000001', spanId: 'a1e4700000000001' };
const ALERT_TRACEPARENT = `00-${ALERT_SPAN.traceId}-${ALERT_SPAN.spanId}-01`;

describe('retraining job traces', () => {
  let root: string;
  let telemetry: Telemetry;
  let registry: FileRegistry;
  let store: FileBatchStore;
  const spansPath = () => join(root, 'spans.jsonl');
  const spans = async (): Promise<SpanRecord[]> => {
    await telemetry.forceFlush();
    return readSpanFile(spansPath());
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-retrainer-tracing-'));
    telemetry = startTelemetry({ serviceName: 'retrainer', exporter: { kind: 'file', path: spansPath() }, processor: 'simple' });
    registry = new FileRegistry({ root: join(root, 'registry') });
    store = new FileBatchStore({ root: join(root, 'batches'), batchRows: 500 });
    // Production 1.0.0 trained before a covariate shift; 2500 labelled rows after it, in 5 batches.
    await seedDriftedModel(registry, store);
  });
  afterEach(async () => {
    await telemetry.shutdown();
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('runs a job started by an alert in a trace of its own, linked to the alert’s span, with a span per phase and its events inside', async () => {
    const bus = createMemoryBus();
    const service = await startRetrainerService(
      { ...defaultRetrainerSettings, httpPort: -1, jobsRoot: join(root, 'jobs'), jobs, triggers: { freshRows: 0, batchRows: 500 } },
      { bus, registry, store, logger, metrics: createMetricsRegistry({ serviceName: 'retrainer' }) },
    );
    const events: { event: RetrainJobEvent; traceparent: string | undefined }[] = [];
    let onPublished: (e: RetrainJobEvent) => void = () => undefined;
    const publishedEvent = new Promise<RetrainJobEvent>((resolve) => (onPublished = resolve));
    await bus.subscribe(
      Topics.retrainJobs,
      (event, ctx) => {
        events.push({ event, traceparent: ctx.traceparent });
        if (event.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED) onPublished(event);
      },
      { groupId: 'test', fromBeginning: true },
    );
    try {
      const alert = Alert.fromPartial({ id: 'alert-1', model: 'm', kind: AlertKind.ALERT_KIND_NEW_DATA, retrain: true, message: 'new rows' });
      await bus.publish(Topics.alerts, alert, { headers: { traceparent: ALERT_TRACEPARENT } });
      const published = await publishedEvent;
      await service.retrainer.idle();
      await service.flush();

      const all = await spans();
      const job = all.find((s) => s.name === RetrainSpanNames.job);
      expect(job?.parentSpanId).toBeUndefined();
      expect(job?.traceId).not.toBe(ALERT_SPAN.traceId);
      expect(job?.links).toEqual([{ ...ALERT_SPAN, attributes: { 'ratchet.trigger': 'alert', 'ratchet.trigger_id': 'alert-1' } }]);
      expect(job?.attributes).toMatchObject({
        'ratchet.model': 'm',
        'ratchet.job_id': published.jobId,
        'ratchet.trigger': 'alert',
        'ratchet.trigger_id': 'alert-1',
        'ratchet.parent_version': '1.0.0',
        'ratchet.start_phase': 'started',
        'ratchet.outcome': 'published',
        'ratchet.new_version': published.version,
      });
      const phases = all.filter((s) => s.parentSpanId === job?.spanId).sort((a, b) => a.startTimeMs - b.startTimeMs);
      expect(phases.map((s) => s.name)).toEqual([RetrainSpanNames.train, RetrainSpanNames.decide, RetrainSpanNames.publish]);
      const publish = phases[2];
      expect(all.find((s) => s.name === 'registry.publish' && s.attributes['ratchet.version'] === published.version)?.parentSpanId).toBe(publish?.spanId);
      // Every job event was published inside the job's trace.
      expect(events.map((e) => parseTraceparent(e.traceparent)?.traceId)).toEqual(events.map(() => job?.traceId));
      // The trigger's traceparent is persisted with the job, for a resumed run to link the same span.
      const state = await new JobStateStore(join(root, 'jobs')).load('m', published.jobId);
      expect(state?.trigger.traceparent).toBe(ALERT_TRACEPARENT);
    } finally {
      await service.stop();
      await bus.close();
    }
  }, 120_000);

  it('links a job resumed after a crash to the same alert, in a second run that repeats no phase', async () => {
    const states = new JobStateStore(join(root, 'jobs'));
    const deps = { store, registry, states, logger };
    const planned = await planJob('m', { kind: 'alert', id: 'alert-2', reason: 'drift', traceparent: ALERT_TRACEPARENT }, jobs, deps);
    if (!('jobId' in planned)) throw new Error(planned.refused);
    const crash = (s: JobState) => {
      if (s.phase === 'trained') throw Object.assign(new Error('simulated crash after trained'), { simulatedCrash: true });
    };
    await expect(runJob(planned, jobs, { ...deps, afterPhase: crash })).rejects.toThrow(/simulated crash/);
    // A new process reads the job from disk: the trigger, traceparent included, comes with it.
    const [unfinished] = await new JobStateStore(join(root, 'jobs')).unfinished();
    if (unfinished === undefined) throw new Error('the crashed job is not on disk as unfinished');
    const done = await runJob(unfinished, jobs, deps);
    expect(done.phase, done.reason).toBe('published');

    const all = await spans();
    const runs = all.filter((s) => s.name === RetrainSpanNames.job).sort((a, b) => a.startTimeMs - b.startTimeMs);
    expect(runs).toHaveLength(2);
    expect(runs[0]?.traceId).not.toBe(runs[1]?.traceId);
    for (const r of runs) expect(r.links.map((l) => [l.traceId, l.spanId])).toEqual([[ALERT_SPAN.traceId, ALERT_SPAN.spanId]]);
    expect(runs.map((r) => [r.attributes['ratchet.start_phase'], r.attributes['ratchet.outcome']])).toEqual([
      ['started', 'interrupted'],
      ['trained', 'published'],
    ]);
    expect(runs[0]?.events.map((e) => e.name)).toEqual(['exception']);
    const phasesOf = (run: SpanRecord | undefined) => all.filter((s) => s.parentSpanId === run?.spanId).map((s) => s.name);
    expect(phasesOf(runs[0])).toEqual([RetrainSpanNames.train]);
    expect(phasesOf(runs[1])).toEqual([RetrainSpanNames.decide, RetrainSpanNames.publish]);
  }, 120_000);
});
