import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Alert, type RetrainJobEvent, RetrainJobEventKind, type RolloutEvent, RolloutEventKind, Topics } from '@ratchet/contracts';
import type { Subscription } from '@ratchet/bus';
import {
  FileBatchStore,
  type RetrainerService,
  type RetrainSettings,
  type TriggerDecision,
  DETECTION_KINDS,
  alertKindName,
  defaultRetrainerSettings,
  startRetrainerService,
} from '@ratchet/retrainer';
import { createMetricsRegistry } from '@ratchet/service-kit';
import { TrainingPool } from '@ratchet/training';
import type { EmbeddedLoop, OnsetDelay } from './embedded-loop.js';

/** Settings of the retrainer inside `ratchet up`. */
export interface EmbeddedRetrainerOptions {
  /** Labelled rows per stored batch. Default 1000. */
  readonly batchRows?: number;
  /**
   * Labelled rows stored after a retraining alert before the job starts (rounded up to whole
   * batches); the job trains on those batches only, so it learns the data after the alert.
   * Default 2000.
   */
  readonly freshRows?: number;
  /** Regression budget of the publishing rule (share of held-out rows). Default 0.05. */
  readonly budget?: number;
  /** Traffic share of the canary. Default 0.2. */
  readonly canaryShare?: number;
  /** Labelled rows each arm needs before the rollout decides. Default 200. */
  readonly minSamplePerArm?: number;
  /** A canary without a verdict this long after it started is rolled back. Default 120 s. */
  readonly rolloutTimeoutMs?: number;
  /** Candidates per batch of the slowly varying selection. Default 8. */
  readonly k?: number;
  /** Retrainings per run (one drift, one retraining in the demo); later alerts are noted and dropped. Default 1. */
  readonly maxRetrains?: number;
  /** Training worker threads. Default 2. */
  readonly workers?: number;
  readonly seed?: number;
}

/** What the retrainer did, as `ratchet up` prints it. */
export type RetrainEvent =
  | { readonly kind: 'waiting'; readonly alert: Alert; readonly rows: number }
  | { readonly kind: 'ignored'; readonly alert: Alert; readonly reason: string }
  | { readonly kind: 'trigger-failed'; readonly alert: Alert; readonly reason: string }
  | { readonly kind: 'job'; readonly event: RetrainJobEvent; readonly sinceOnset: OnsetDelay | undefined }
  | { readonly kind: 'rollout'; readonly event: RolloutEvent; readonly sinceOnset: OnsetDelay | undefined };

/** Time from the drift onset to each step of the first retraining after it (undefined: not reached). */
export interface RetrainTimeline {
  readonly trigger?: { readonly alert: string; readonly at: OnsetDelay };
  readonly jobStarted?: OnsetDelay;
  /** PUBLISHED, REFUSED or FAILED. */
  readonly jobEnded?: { readonly kind: 'published' | 'refused' | 'failed'; readonly version: string; readonly reason: string; readonly at: OnsetDelay };
  readonly canary?: OnsetDelay;
  readonly decision?: { readonly kind: 'promoted' | 'rolled_back' | 'aborted'; readonly version: string; readonly reason: string; readonly at: OnsetDelay };
}


/**
 * The retrainer service inside the embedded loop: same bus and registry, batches and job
 * state under `<var>/batches` and `<var>/jobs`, a training pool, canary rollouts through the
 * loop's router. The service's trigger policy acts on the alerts: a detection on the serving
 * version waits for `freshRows` labelled rows after it, then starts a job on those batches;
 * the service publishes the version (or refuses it with the reason) and rolls it out as a
 * canary, which the monitor's live comparison promotes or rolls back. One retraining at a
 * time, at most `maxRetrains` per run: other alerts are noted and dropped.
 */
export class EmbeddedRetrainer {
  private readonly subscriptions: Subscription[] = [];
  private busy: string | undefined;
  private retrains = 0;
  private timeline: RetrainTimeline = {};
  private stopping: Promise<void> | undefined;
  /** Every job and rollout event seen, in order. */
  readonly jobEvents: RetrainJobEvent[] = [];
  readonly rolloutEvents: RolloutEvent[] = [];

  private constructor(
    private readonly loop: EmbeddedLoop,
    readonly service: RetrainerService,
    private readonly pool: TrainingPool,
    private readonly onEvent: (e: RetrainEvent) => void,
  ) {}

  /** Starts the retrainer on the loop's bus, registry and router, and registers its alert handler. */
  static async start(loop: EmbeddedLoop, options: EmbeddedRetrainerOptions, onEvent: (e: RetrainEvent) => void = () => undefined): Promise<EmbeddedRetrainer> {
    const varDir = loop.options.varDir;
    const batchRows = options.batchRows ?? 1000;
    const model = loop.options.source.model;
    // The embedded router's policies end with the process, so a rollout or wait left by an earlier run has nothing to resume.
    const statesRoot = resolve(varDir, 'rollouts');
    const pendingRoot = resolve(varDir, 'triggers');
    for (const dir of [statesRoot, pendingRoot]) await rm(dir, { recursive: true, force: true });
    const maxRetrains = options.maxRetrains ?? 1;
    let self: EmbeddedRetrainer | undefined;
    const jobs: RetrainSettings = {
      ...defaultRetrainerSettings.jobs,
      k: options.k ?? 8,
      budget: options.budget ?? 0.05,
      maxBatches: Number.MAX_SAFE_INTEGER,
      seed: options.seed ?? 0,
    };
    const pool = new TrainingPool({ size: options.workers ?? 2 });
    try {
      const service = await startRetrainerService(
        {
          ...defaultRetrainerSettings,
          httpPort: -1,
          groupId: `ratchet-up.retrainer`,
          jobsRoot: resolve(varDir, 'jobs'),
          tickMs: 1000,
          jobs,
          // ratchet up retrains on detections only, not on new-data or schedule alerts.
          triggers: { freshRows: options.freshRows ?? 2000, batchRows, pendingRoot, kinds: DETECTION_KINDS },
          rollout: {
            routerAdmin: loop.routerAddress,
            canaryShare: options.canaryShare ?? 0.2,
            minSamplePerArm: options.minSamplePerArm ?? 200,
            alpha: 0.05,
            tolerance: 0,
            timeoutMs: options.rolloutTimeoutMs ?? 120_000,
            statesRoot,
          },
        },
        {
          bus: loop.bus,
          registry: loop.registry,
          store: new FileBatchStore({ root: resolve(varDir, 'batches'), batchRows, batchMaxAgeMs: 24 * 3_600_000 }),
          pool,
          logger: loop.options.logger,
          metrics: createMetricsRegistry({ serviceName: 'retrainer' }),
          // A job starts from what the router serves, not from the highest version on file.
          productionVersion: async (m) => (m === model ? loop.servingVersion() : undefined),
          vetoAlert: () => (self && self.retrains >= maxRetrains ? `this run already retrained ${self.retrains} time(s), the most it does` : undefined),
          onTrigger: (d) => self?.onTrigger(d),
        },
      );
      const r = new EmbeddedRetrainer(loop, service, pool, onEvent);
      self = r;
      await r.watch();
      return r;
    } catch (err) {
      await pool.close();
      throw err;
    }
  }

  /** Onset-relative times of the retraining steps so far. */
  get times(): RetrainTimeline {
    return this.timeline;
  }

  /** Whether a retraining (waiting for rows, job or rollout) is in progress. */
  get inProgress(): boolean {
    return this.busy !== undefined;
  }

  private async watch(): Promise<void> {
    const model = this.loop.options.source.model;
    this.subscriptions.push(
      await this.loop.bus.subscribe(Topics.retrainJobs, (e) => (e.model === model ? this.onJob(e) : undefined), { groupId: 'ratchet-up.jobs', fromBeginning: false }),
      await this.loop.bus.subscribe(Topics.rollouts, (e) => (e.model === model ? this.onRollout(e) : undefined), { groupId: 'ratchet-up.rollouts', fromBeginning: false }),
    );
  }

  private at(): OnsetDelay | undefined {
    return this.loop.sinceOnset();
  }

  private onTrigger(d: TriggerDecision): void {
    switch (d.kind) {
      case 'ignored':
        return this.onEvent({ kind: 'ignored', alert: d.alert, reason: d.reason });
      case 'failed':
        this.release();
        return this.onEvent({ kind: 'trigger-failed', alert: d.alert, reason: d.reason });
      case 'waiting': {
        this.retrains++;
        this.busy = `waiting for labelled rows after the ${alertKindName(d.alert.kind)} alert`;
        const since = this.at();
        if (since && !this.timeline.trigger) this.timeline = { ...this.timeline, trigger: { alert: alertKindName(d.alert.kind), at: since } };
        return this.onEvent({ kind: 'waiting', alert: d.alert, rows: d.rows });
      }
      case 'triggered': {
        const r = d.result;
        // Without a wait (freshRows 0) the retraining starts here.
        if (this.busy === undefined) this.retrains++;
        if (r.status === 'started' || r.status === 'busy') this.busy = `job ${r.jobId}`;
        // A refusal also comes as a REFUSED job event.
        else this.release();
        if (r.status === 'done') this.onEvent({ kind: 'trigger-failed', alert: d.alert, reason: `job for these batches already ended (${r.state.phase})` });
        return;
      }
    }
  }

  private release(): void {
    this.busy = undefined;
  }

  private onJob(e: RetrainJobEvent): void {
    this.jobEvents.push(e);
    const at = this.at();
    if (at) {
      if (e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_STARTED && !this.timeline.jobStarted) this.timeline = { ...this.timeline, jobStarted: at };
      const ended =
        e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED ? 'published' : e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_REFUSED ? 'refused' : e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_FAILED ? 'failed' : undefined;
      if (ended && !this.timeline.jobEnded) this.timeline = { ...this.timeline, jobEnded: { kind: ended, version: e.version, reason: e.reason, at } };
    }
    // Refused or failed: the retraining is over; published: it goes on as a rollout.
    if (e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_REFUSED || e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_FAILED) this.release();
    else if (e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED) this.busy = `rollout of ${e.version}`;
    this.onEvent({ kind: 'job', event: e, sinceOnset: at });
  }

  private onRollout(e: RolloutEvent): void {
    this.rolloutEvents.push(e);
    const at = this.at();
    if (at) {
      if (e.kind === RolloutEventKind.ROLLOUT_EVENT_KIND_STARTED && !this.timeline.canary) this.timeline = { ...this.timeline, canary: at };
      const decided =
        e.kind === RolloutEventKind.ROLLOUT_EVENT_KIND_PROMOTED ? 'promoted' : e.kind === RolloutEventKind.ROLLOUT_EVENT_KIND_ROLLED_BACK ? 'rolled_back' : e.kind === RolloutEventKind.ROLLOUT_EVENT_KIND_ABORTED ? 'aborted' : undefined;
      if (decided && !this.timeline.decision) this.timeline = { ...this.timeline, decision: { kind: decided, version: e.canary, reason: e.reason, at } };
    }
    if (e.kind !== RolloutEventKind.ROLLOUT_EVENT_KIND_STARTED) this.release();
    this.onEvent({ kind: 'rollout', event: e, sinceOnset: at });
  }

  /** Stops waiting, stops the service (a running job resumes on the next start), delivers its last events, closes the pool. Idempotent. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      await this.service.stop();
      for (const s of this.subscriptions) await s.stop();
      await this.pool.close();
    })());
  }
}
