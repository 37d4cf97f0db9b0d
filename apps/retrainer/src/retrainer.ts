import { type RetrainJobEvent, RetrainJobEventKind, RetrainOutcome } from '@ratchet/contracts';
import type { Logger } from '@ratchet/service-kit';
import { type JobState, type JobTrigger, isTerminal } from './job/job-state.js';
import { type RetrainJobDeps, type RetrainSettings, planJob, runJob } from './job/retrain-job.js';

/** What a trigger led to. */
export type TriggerResult =
  | { readonly status: 'started'; readonly jobId: string; readonly done: Promise<JobState> }
  /** A job of this model is running; the trigger is dropped (the running job already covers the model). */
  | { readonly status: 'busy'; readonly jobId: string }
  /** The job for this data already ended (no new batch since). */
  | { readonly status: 'done'; readonly state: JobState }
  | { readonly status: 'refused'; readonly reason: string };

/** Jobs by outcome since start. */
export interface RetrainerCounters {
  started: number;
  published: number;
  refused: number;
  failed: number;
  busy: number;
}

/**
 * Job control: at most one retraining job per model at a time, jobs resumed after a restart,
 * an event for every step. The embedded loop (`ratchet up`) and the service both drive it.
 */
export class Retrainer {
  private readonly running = new Map<string, { jobId: string; done: Promise<unknown> }>();
  private readonly abort = new AbortController();
  readonly counters: RetrainerCounters = { started: 0, published: 0, refused: 0, failed: 0, busy: 0 };
  private readonly logger: Logger;

  constructor(
    readonly settings: RetrainSettings,
    private readonly deps: RetrainJobDeps,
  ) {
    this.logger = deps.logger.child({ component: 'retrainer' });
  }

  /** Models with a job in progress and the job ids. */
  active(): { model: string; jobId: string }[] {
    return [...this.running].map(([model, r]) => ({ model, jobId: r.jobId }));
  }

  /**
   * Starts a job for `model` unless one is running: seals the open segment (so the newest rows
   * take part), plans the job over the latest batches and runs it in the background.
   */
  async trigger(model: string, trigger: JobTrigger, options: { maxBatches?: number } = {}): Promise<TriggerResult> {
    const current = this.running.get(model);
    if (current) {
      this.counters.busy++;
      this.logger.info('retrain trigger dropped: a job is running', { model, jobId: current.jobId, trigger: trigger.id });
      return { status: 'busy', jobId: current.jobId };
    }
    // Reserve the model before the first await so two triggers cannot both plan.
    let release!: () => void;
    this.running.set(model, { jobId: '', done: new Promise<void>((r) => (release = r)) });
    try {
      await this.deps.store.seal(model);
      const planned = await planJob(model, trigger, this.settings, this.deps, options.maxBatches || undefined);
      if ('refused' in planned) {
        this.running.delete(model);
        this.counters.refused++;
        this.logger.info('retrain refused', { model, reason: planned.refused, trigger: trigger.id });
        await this.emitRefusal(model, trigger, planned.refused);
        return { status: 'refused', reason: planned.refused };
      }
      if (isTerminal(planned.phase)) {
        this.running.delete(model);
        return { status: 'done', state: planned };
      }
      return { status: 'started', jobId: planned.jobId, done: this.start(planned) };
    } catch (err) {
      this.running.delete(model);
      throw err;
    } finally {
      release();
    }
  }

  /** Resumes every job a previous process left unfinished (call once at start). */
  async resumeUnfinished(): Promise<JobState[]> {
    const states = await this.deps.states.unfinished();
    const resumed: JobState[] = [];
    for (const s of states) {
      if (this.running.has(s.model)) continue;
      this.logger.info('resuming retrain job', { model: s.model, jobId: s.jobId, phase: s.phase });
      this.start(s);
      resumed.push(s);
    }
    return resumed;
  }

  private start(state: JobState): Promise<JobState> {
    this.counters.started++;
    const done = runJob(state, this.settings, { ...this.deps, signal: this.abort.signal })
      .then((s) => {
        if (s.phase === 'published') this.counters.published++;
        else if (s.phase === 'refused') this.counters.refused++;
        else if (s.phase === 'failed') this.counters.failed++;
        return s;
      })
      .finally(() => {
        if (this.running.get(state.model)?.jobId === state.jobId) this.running.delete(state.model);
      });
    this.running.set(state.model, { jobId: state.jobId, done });
    // Errors surface through `done`; an abort at shutdown leaves the job to be resumed.
    done.catch((error: unknown) => this.logger.warn('retrain job interrupted', { model: state.model, jobId: state.jobId, error }));
    return done;
  }

  private async emitRefusal(model: string, trigger: JobTrigger, reason: string): Promise<void> {
    const event: RetrainJobEvent = {
      jobId: '',
      model,
      kind: RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_REFUSED,
      phase: 'refused',
      parentVersion: '',
      version: '',
      outcome: RetrainOutcome.RETRAIN_OUTCOME_NONE,
      reason,
      retriable: false,
      triggerId: trigger.id,
      trigger: trigger.kind,
      batchIds: [],
      evaluationRows: 0,
      regressions: 0,
      gains: 0,
      regressionUpperBound: 0,
      accuracyParent: 0,
      accuracyNew: 0,
      atMs: (this.deps.now ?? Date.now)(),
      artifactSha256: '',
    };
    await this.deps.emit?.(event);
  }

  /** Resolves when no job is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Aborts running jobs (they resume at their last persisted phase on the next start) and waits for them. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('retrainer stopping'));
    await this.idle();
  }
}
