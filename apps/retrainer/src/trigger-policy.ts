import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Alert, AlertKind } from '@ratchet/contracts';
import type { Logger } from '@ratchet/service-kit';
import type { BatchStore } from './batch-store/batch-store.js';
import { writeFileAtomic } from './durable-file.js';
import type { JobTrigger } from './job/job-state.js';
import type { Retrainer, TriggerResult } from './retrainer.js';

/** How alerts become retraining jobs. */
export interface TriggerPolicySettings {
  /**
   * Labelled rows to store after a detection alert (performance, data drift, concept drift,
   * prior shift) before its job starts, rounded up to whole batches; the job then trains on
   * those batches only, so it learns the data after the change rather than before it. 0 starts
   * the job at once on the usual window of batches. New-data and schedule alerts always start at once.
   */
  readonly freshRows: number;
  /** Rows per sealed batch of the store (to turn `freshRows` into batches). */
  readonly batchRows: number;
  /** Alert kinds that start jobs; default every kind the monitor marks `retrain`. */
  readonly kinds?: ReadonlySet<AlertKind>;
  /** Folder of pending waits (`<root>/<model>.json`), so a restart keeps them. */
  readonly pendingRoot: string;
}

/** What the policy did with an alert (for logs and progress output). */
export type TriggerDecision =
  | { readonly kind: 'ignored'; readonly alert: Alert; readonly reason: string }
  /** Waiting for `batches` more sealed batches (`rows` labelled rows) before the job starts. */
  | { readonly kind: 'waiting'; readonly alert: Alert; readonly batches: number; readonly rows: number }
  | { readonly kind: 'triggered'; readonly alert: Alert; readonly result: TriggerResult }
  | { readonly kind: 'failed'; readonly alert: Alert; readonly reason: string };

/** What the policy reads of the rest of the service. */
export interface TriggerPolicyDeps {
  readonly retrainer: Pick<Retrainer, 'trigger' | 'active'>;
  readonly store: BatchStore;
  /**
   * The version serving the model now; alerts about other versions (e.g. a canary) do not
   * retrain, and alerts about a model without one (not in this retrainer's registry: another
   * deployment's model on a shared broker) are ignored.
   */
  readonly productionVersion: (model: string) => Promise<string | undefined>;
  /** Whether a canary rollout of the model is in progress (its verdict comes from the rollout, not a retrain). */
  readonly rolloutActive: (model: string) => boolean;
  /** A last say: a reason to ignore the alert, or undefined to go on (`ratchet up` caps retrains per run). */
  readonly veto?: (alert: Alert) => string | undefined;
  readonly onDecision?: (d: TriggerDecision) => void;
  readonly logger: Logger;
}

/** A detection alert waiting for fresh rows, as persisted. */
interface PendingTrigger {
  readonly alert: ReturnType<typeof Alert.toJSON>;
  readonly trigger: JobTrigger;
  /** Sealed batches when the alert came. */
  readonly batchesBefore: number;
  /** Sealed batches needed after it. */
  readonly batches: number;
}

/** Alert kinds that detect a change (the others fire on a count or a clock): these wait for fresh rows. */
export const DETECTION_KINDS: ReadonlySet<AlertKind> = new Set([AlertKind.ALERT_KIND_PERFORMANCE, AlertKind.ALERT_KIND_DATA_DRIFT, AlertKind.ALERT_KIND_CONCEPT_DRIFT, AlertKind.ALERT_KIND_PRIOR_SHIFT]);

/** `concept_drift` for ALERT_KIND_CONCEPT_DRIFT. */
export function alertKindName(kind: AlertKind): string {
  return (AlertKind[kind] ?? String(kind)).replace(/^ALERT_KIND_/, '').toLowerCase();
}

/**
 * Turns `ratchet.alerts.v1` retraining alerts into jobs. An alert about another version than
 * the one in production, or for a model with a job, a wait or a canary in progress, is ignored
 * with the reason. A detection alert (the data or the concept changed) waits until
 * `freshRows` labelled rows arrived after it and trains on those batches only: training on
 * the rows from before the change would relearn the old concept. A new-data or schedule alert
 * starts a job at once. Waits are persisted and survive a restart.
 */
export class AlertTriggerPolicy {
  private readonly pending = new Map<string, PendingTrigger>();
  private readonly checking = new Map<string, Promise<void>>();
  private readonly logger: Logger;
  private stopped = false;

  constructor(
    readonly settings: TriggerPolicySettings,
    private readonly deps: TriggerPolicyDeps,
  ) {
    this.logger = deps.logger.child({ component: 'trigger-policy' });
  }

  /** Models waiting for fresh rows, with the batches still missing. */
  waiting(): { model: string; alertId: string; batchesBefore: number; batches: number }[] {
    return [...this.pending].map(([model, p]) => ({ model, alertId: p.trigger.id, batchesBefore: p.batchesBefore, batches: p.batches }));
  }

  /** Reloads the waits a previous process persisted and starts the jobs whose rows are already there. */
  async resume(): Promise<void> {
    let files: string[];
    try {
      files = (await readdir(this.settings.pendingRoot)).filter((f) => f.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const file of files) {
      const model = decodeURIComponent(file.slice(0, -'.json'.length));
      let text: string;
      try {
        text = await readFile(this.pendingFile(model), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      const p = JSON.parse(text) as PendingTrigger;
      this.pending.set(model, p);
      this.logger.info('resuming wait for fresh rows', { model, alertId: p.trigger.id, batches: p.batches });
      await this.onRowsStored(model);
    }
  }

  /** Acts on one alert; `trigger` carries what the job records of it (id, reason, trace). */
  async onAlert(alert: Alert, trigger: JobTrigger = { kind: 'alert', id: alert.id, reason: alert.message }): Promise<TriggerDecision> {
    const decision = await this.decide(alert, trigger);
    if (decision.kind === 'ignored') this.logger.info('retraining alert ignored', { model: alert.model, alertId: alert.id, reason: decision.reason });
    this.deps.onDecision?.(decision);
    return decision;
  }

  private async decide(alert: Alert, trigger: JobTrigger): Promise<TriggerDecision> {
    const ignore = (reason: string): TriggerDecision => ({ kind: 'ignored', alert, reason });
    const kind = alertKindName(alert.kind);
    if (!alert.retrain) return ignore(`the ${kind} alert is not a retraining trigger`);
    if (this.stopped) return ignore('the retrainer is stopping');
    if (this.settings.kinds && !this.settings.kinds.has(alert.kind)) return ignore(`${kind} alerts do not start jobs here`);
    const model = alert.model;
    const production = await this.deps.productionVersion(model);
    if (production === undefined) return ignore(`${model} has no production version here`);
    if (alert.version !== '' && alert.version !== production) {
      return ignore(`the alert is about ${model}@${alert.version}, not the production version ${production}`);
    }
    const waiting = this.pending.get(model);
    if (waiting) return ignore(`waiting for fresh rows after alert ${waiting.trigger.id}`);
    const job = this.deps.retrainer.active().find((a) => a.model === model);
    if (job) return ignore(`job ${job.jobId || '(planning)'} of ${model} is running`);
    if (this.deps.rolloutActive(model)) return ignore(`a canary of ${model} is rolling out`);
    const vetoed = this.deps.veto?.(alert);
    if (vetoed !== undefined) return ignore(vetoed);
    if (!DETECTION_KINDS.has(alert.kind) || this.settings.freshRows <= 0) return this.start(alert, trigger);
    const batches = Math.max(1, Math.ceil(this.settings.freshRows / this.settings.batchRows));
    const p: PendingTrigger = { alert: Alert.toJSON(alert), trigger, batchesBefore: (await this.deps.store.listBatches(model)).length, batches };
    this.pending.set(model, p);
    await writeFileAtomic(this.pendingFile(model), JSON.stringify(p));
    this.logger.info('waiting for fresh rows before retraining', { model, alertId: alert.id, kind, batches, rows: batches * this.settings.batchRows });
    return { kind: 'waiting', alert, batches, rows: batches * this.settings.batchRows };
  }

  private async start(alert: Alert, trigger: JobTrigger, maxBatches?: number): Promise<TriggerDecision> {
    try {
      const result = await this.deps.retrainer.trigger(alert.model, trigger, maxBatches === undefined ? {} : { maxBatches });
      return { kind: 'triggered', alert, result };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.error('retraining trigger failed', { model: alert.model, alertId: alert.id, error: err });
      return { kind: 'failed', alert, reason };
    }
  }

  /**
   * Call after rows of `model` were stored: starts the waiting job once enough batches were
   * sealed after its alert. Checks of one model run one at a time.
   */
  onRowsStored(model: string): Promise<void> {
    if (!this.pending.has(model)) return Promise.resolve();
    const next = (this.checking.get(model) ?? Promise.resolve()).then(() => this.check(model));
    this.checking.set(model, next.catch(() => undefined));
    return next;
  }

  private async check(model: string): Promise<void> {
    const p = this.pending.get(model);
    if (p === undefined || this.stopped) return;
    const sealed = (await this.deps.store.listBatches(model)).length;
    if (sealed < p.batchesBefore + p.batches) return;
    this.pending.delete(model);
    await rm(this.pendingFile(model), { force: true });
    const alert = Alert.fromJSON(p.alert);
    // Exactly the batches sealed after the alert, plus the open segment when it holds rows (the
    // trigger seals it): never a batch from before the alert. Rows appended between this count
    // and that seal can only push the oldest fresh batch out, not an old one in.
    const open = (await this.deps.store.openRows(model)) > 0 ? 1 : 0;
    const decision = await this.start(alert, p.trigger, sealed - p.batchesBefore + open);
    this.deps.onDecision?.(decision);
  }

  /** Stops starting jobs; persisted waits resume on the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.checking.values()]);
  }

  private pendingFile(model: string): string {
    return join(this.settings.pendingRoot, `${encodeURIComponent(model)}.json`);
  }
}
