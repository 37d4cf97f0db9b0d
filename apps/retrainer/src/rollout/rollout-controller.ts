import { randomUUID } from 'node:crypto';
import { type MetricsReport, Policy, type PolicyUpdated, RolloutEvent, RolloutEventKind, Topics } from '@ratchet/contracts';
import type { EventBus, Subscription } from '@ratchet/bus';
import type { Logger } from '@ratchet/service-kit';
import { type RolloutCriteria, type RolloutDecision, type RolloutEvidence, canaryComparison, decideRollout, defaultRolloutCriteria } from './rollout-decision.js';
import { PolicyConflictError, type RouterAdminPort } from './router-admin-port.js';
import type { RolloutState, RolloutStateStore } from './rollout-state.js';

/** How the controller rolls out canaries. */
export interface RolloutControllerSettings {
  /** Default share of traffic on the canary, in (0, 1). */
  readonly canaryShare: number;
  readonly criteria: RolloutCriteria;
  /** Request parameter that pins callers to an arm (empty = random by weight). */
  readonly stickyKey: string;
  /** Consumer group of the `ratchet.metrics.v1` subscription. */
  readonly groupId: string;
  /** Written into the policies' `updated_by`. */
  readonly updatedBy: string;
}

export const defaultRolloutControllerSettings: RolloutControllerSettings = {
  canaryShare: 0.1,
  criteria: defaultRolloutCriteria,
  stickyKey: '',
  groupId: 'ratchet-rollouts',
  updatedBy: 'ratchet-retrainer',
};

export interface RolloutControllerDeps {
  readonly admin: RouterAdminPort;
  readonly bus: EventBus;
  readonly states: RolloutStateStore;
  readonly logger: Logger;
  /** Receives every rollout event (the service publishes them on `ratchet.rollouts.v1`). */
  readonly emit: (e: RolloutEvent) => void;
  readonly now?: () => number;
}

/** What to roll out. */
export interface RolloutRequest {
  readonly model: string;
  readonly canary: string;
  /** The version serving now; default the version of the model's `single` policy. */
  readonly stable?: string;
  readonly share?: number;
  readonly jobId?: string;
  readonly criteria?: Partial<RolloutCriteria>;
}

const isEnd = (k: RolloutEventKind) => k !== RolloutEventKind.ROLLOUT_EVENT_KIND_STARTED;

function samePolicy(a: Policy | undefined, b: Policy | undefined): boolean {
  return JSON.stringify(a ? Policy.toJSON(a) : null) === JSON.stringify(b ? Policy.toJSON(b) : null);
}

/** The version a policy serves: its `single` version, or the stable (first) arm of a split. */
export function stableVersion(policy: Policy | undefined): string | undefined {
  return policy?.single?.version || policy?.split?.arms[0]?.version || undefined;
}

/** The canary split: stable weight 1 − share, canary weight share. */
export function canarySplit(stable: string, canary: string, share: number, stickyKey = ''): Policy {
  return Policy.fromPartial({
    split: {
      arms: [
        { version: stable, weight: 1 - share },
        { version: canary, weight: share },
      ],
      stickyKey,
    },
  });
}

/**
 * Runs canary rollouts: the retrainer proposes a version, the router executes the split, the
 * monitor's live A/B comparison decides ({@link decideRollout}). One rollout per model; its
 * state is persisted before every policy change so a restarted controller resumes it.
 */
export class RolloutController {
  private readonly now: () => number;
  private readonly rollouts = new Map<string, RolloutState>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiters = new Map<string, ((e: RolloutEvent) => void)[]>();
  private subscription: Subscription | undefined;
  private readonly logger: Logger;

  constructor(
    private readonly settings: RolloutControllerSettings,
    private readonly deps: RolloutControllerDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger.child({ component: 'rollout' });
    if (!(settings.canaryShare > 0 && settings.canaryShare < 1)) throw new RangeError(`canaryShare must be in (0, 1), got ${settings.canaryShare}`);
  }

  /** Resumes the persisted rollouts (finishing a split that was not yet in place) and starts consuming `ratchet.metrics.v1`. */
  async start(): Promise<void> {
    for (const s of await this.deps.states.list()) {
      this.rollouts.set(s.model, s);
      await this.serial(s.model, () => this.resume(s));
    }
    this.subscription = await this.deps.bus.subscribe(Topics.metrics, (r) => this.onReport(r), {
      groupId: this.settings.groupId,
      fromBeginning: false,
      maxAttempts: 3,
    });
  }

  /** Stops consuming; rollouts stay persisted and resume on the next start. */
  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    await Promise.all([...this.chains.values()]);
  }

  /** Rollouts in progress. */
  active(): RolloutState[] {
    return [...this.rollouts.values()];
  }

  /** Resolves with the event that ends the model's current or next rollout (PROMOTED, ROLLED_BACK or ABORTED). */
  settled(model: string): Promise<RolloutEvent> {
    return new Promise((resolve) => this.waiters.set(model, [...(this.waiters.get(model) ?? []), resolve]));
  }

  /**
   * Starts a rollout: remembers the current policy (and its revision), persists the state, then
   * sets the split through the router with `expected_revision` = that revision. A rollout of the
   * same model in progress is superseded: it ends with ABORTED, its canary loses its traffic to
   * the new split, and the policy a rollback restores stays the one from before the first canary.
   */
  startRollout(req: RolloutRequest): Promise<RolloutState> {
    return this.serial(req.model, async () => {
      const share = req.share ?? this.settings.canaryShare;
      if (!(share > 0 && share < 1)) throw new RangeError(`rollout of ${req.model}@${req.canary}: share must be in (0, 1), got ${share}`);
      const current = await this.deps.admin.getPolicy(req.model);
      const stable = req.stable ?? current?.policy?.single?.version;
      if (!stable) throw new Error(`rollout of ${req.model}@${req.canary}: no stable version given and the current policy is not a single version`);
      if (stable === req.canary) throw new Error(`rollout of ${req.model}: the canary ${req.canary} is the stable version`);
      const old = this.rollouts.get(req.model);
      const previous = old ? old.previous : current?.policy ? { revision: Number(current.revision), policy: Policy.toJSON(current.policy) } : null;
      if (old) this.end(old, RolloutEventKind.ROLLOUT_EVENT_KIND_ABORTED, `superseded by ${req.canary}; ${old.canary} gets no more traffic`, undefined, 0);
      const state: RolloutState = {
        id: randomUUID(),
        model: req.model,
        stable,
        canary: req.canary,
        share,
        stickyKey: this.settings.stickyKey,
        jobId: req.jobId ?? '',
        startedAtMs: this.now(),
        criteria: { ...this.settings.criteria, ...req.criteria },
        previous,
        splitRevision: 0,
      };
      await this.deps.states.save(state);
      this.rollouts.set(req.model, state);
      return this.applySplit(state, Number(current?.revision ?? 0));
    });
  }

  /** Applies the decision for the model's rollout to a metrics report (reports of other models or versions are ignored). */
  onReport(report: MetricsReport): Promise<void> {
    if (!this.rollouts.has(report.model)) return Promise.resolve();
    return this.serial(report.model, async () => {
      const s = this.rollouts.get(report.model);
      if (!s || s.splitRevision === 0 || Number(report.windowEndMs) < s.startedAtMs) return;
      const c = canaryComparison(report.comparisons, s.stable, s.canary);
      if (!c) return;
      await this.apply(s, decideRollout(s, c, this.now()));
    });
  }

  /** Rolls back rollouts past their timeout without enough data (the service calls it on a timer). */
  async tick(): Promise<void> {
    for (const model of [...this.rollouts.keys()]) {
      await this.serial(model, async () => {
        const s = this.rollouts.get(model);
        if (!s || s.splitRevision === 0) return;
        const d = decideRollout(s, undefined, this.now());
        if (d.action === 'rollback') await this.apply(s, d);
      });
    }
  }

  private serial<T>(model: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(model) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.chains.set(model, next.then(() => undefined, () => undefined));
    return next;
  }

  private async resume(s: RolloutState): Promise<void> {
    if (s.splitRevision > 0) {
      this.logger.info('rollout resumed', { model: s.model, stable: s.stable, canary: s.canary });
      return;
    }
    // Persisted before the split was set: the router may or may not have applied it.
    const current = await this.deps.admin.getPolicy(s.model);
    const split = canarySplit(s.stable, s.canary, s.share, s.stickyKey);
    if (current && samePolicy(current.policy, split)) {
      await this.persist({ ...s, splitRevision: Number(current.revision) });
    } else {
      await this.applySplit(s, Number(current?.revision ?? 0));
    }
  }

  private async applySplit(s: RolloutState, expectedRevision: number): Promise<RolloutState> {
    const split = canarySplit(s.stable, s.canary, s.share, s.stickyKey);
    let applied: PolicyUpdated;
    try {
      applied = await this.deps.admin.setPolicy(s.model, split, { expectedRevision, updatedBy: this.settings.updatedBy });
    } catch (error) {
      this.rollouts.delete(s.model);
      await this.deps.states.remove(s.model);
      throw error;
    }
    const started = { ...s, splitRevision: Number(applied.revision) };
    await this.persist(started);
    this.logger.info('rollout started', { model: s.model, stable: s.stable, canary: s.canary, share: s.share, revision: started.splitRevision });
    this.deps.emit(this.event(started, RolloutEventKind.ROLLOUT_EVENT_KIND_STARTED, `canary ${s.canary} on ${s.share} of the traffic of ${s.stable}`, undefined, started.splitRevision));
    return started;
  }

  private async persist(s: RolloutState): Promise<void> {
    await this.deps.states.save(s);
    this.rollouts.set(s.model, s);
  }

  private async apply(s: RolloutState, d: RolloutDecision): Promise<void> {
    if (d.action === 'wait') {
      this.logger.debug('rollout waiting', { model: s.model, canary: s.canary, reason: d.reason });
      return;
    }
    const target =
      d.action === 'promote'
        ? Policy.fromPartial({ single: { version: s.canary } })
        : s.previous
          ? Policy.fromJSON(s.previous.policy)
          : Policy.fromPartial({ single: { version: s.stable } });
    const kind = d.action === 'promote' ? RolloutEventKind.ROLLOUT_EVENT_KIND_PROMOTED : RolloutEventKind.ROLLOUT_EVENT_KIND_ROLLED_BACK;
    let revision: number;
    try {
      revision = Number((await this.deps.admin.setPolicy(s.model, target, { expectedRevision: s.splitRevision, updatedBy: this.settings.updatedBy })).revision);
    } catch (error) {
      if (!(error instanceof PolicyConflictError)) throw error;
      const current = await this.deps.admin.getPolicy(s.model);
      if (current && samePolicy(current.policy, target)) {
        // Applied by an earlier attempt that crashed before it could record it.
        revision = Number(current.revision);
      } else {
        await this.finish(s, RolloutEventKind.ROLLOUT_EVENT_KIND_ABORTED, `the policy was changed by ${current?.updatedBy ?? 'someone'} (revision ${current?.revision ?? 0}) during the rollout; left as it is instead of ${d.action}`, d.evidence, 0);
        return;
      }
    }
    await this.finish(s, kind, d.reason, d.evidence, revision);
  }

  private async finish(s: RolloutState, kind: RolloutEventKind, reason: string, evidence: RolloutEvidence | undefined, revision: number): Promise<void> {
    await this.deps.states.remove(s.model);
    this.end(s, kind, reason, evidence, revision);
  }

  private end(s: RolloutState, kind: RolloutEventKind, reason: string, evidence: RolloutEvidence | undefined, revision: number): void {
    if (this.rollouts.get(s.model)?.id === s.id) this.rollouts.delete(s.model);
    const e = this.event(s, kind, reason, evidence, revision);
    this.logger.info('rollout ended', { model: s.model, canary: s.canary, kind: RolloutEventKind[kind], reason });
    this.deps.emit(e);
    if (isEnd(kind)) {
      const ws = this.waiters.get(s.model) ?? [];
      this.waiters.delete(s.model);
      for (const w of ws) w(e);
    }
  }

  private event(s: RolloutState, kind: RolloutEventKind, reason: string, ev: RolloutEvidence | undefined, revision: number): RolloutEvent {
    return RolloutEvent.fromPartial({
      rolloutId: s.id,
      model: s.model,
      stable: s.stable,
      canary: s.canary,
      share: s.share,
      kind,
      reason,
      stableCount: ev?.stableCount ?? 0,
      canaryCount: ev?.canaryCount ?? 0,
      stableAccuracy: ev?.stableAccuracy ?? Number.NaN,
      canaryAccuracy: ev?.canaryAccuracy ?? Number.NaN,
      difference: ev?.difference ?? Number.NaN,
      pValue: ev?.pValue ?? Number.NaN,
      pairedCount: ev?.pairedCount ?? 0,
      regressions: ev?.regressions ?? 0,
      regressionBound: ev?.regressionBound ?? Number.NaN,
      policyRevision: revision,
      atMs: this.now(),
      jobId: s.jobId,
    });
  }
}
