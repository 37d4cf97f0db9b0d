import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';
import { type Alert, type AlertKind, RetrainJobEventKind, Topics } from '@ratchet/contracts';
import { BufferedPublisher, type EventBus, type Subscription } from '@ratchet/bus';
import { dirname, join } from 'node:path';
import type { FileRegistry } from '@ratchet/registry';
import { type Logger, registerDeliveryGauges, startServiceHttpServer } from '@ratchet/service-kit';
import type { TrainingExecutor } from '@ratchet/training';
import type { BatchStore } from './batch-store/batch-store.js';
import { labeledExampleRows } from './batch-store/labeled-rows.js';
import { JobStateStore } from './job/job-state.js';
import { latestVersion } from './job/production.js';
import { type RetrainSettings, defaultRetrainSettings } from './job/retrain-job.js';
import { Retrainer } from './retrainer.js';
import { RolloutController, defaultRolloutControllerSettings, stableVersion } from './rollout/rollout-controller.js';
import { defaultRolloutCriteria } from './rollout/rollout-decision.js';
import { type RouterAdminPort, grpcRouterAdmin } from './rollout/router-admin-port.js';
import { RolloutStateStore } from './rollout/rollout-state.js';
import { AlertTriggerPolicy, type TriggerDecision } from './trigger-policy.js';

/** Settings of one retrainer instance (see `retrainerConfigSchema` for the env variables). */
export interface RetrainerServiceSettings {
  readonly httpHost: string;
  /** 0 picks a free port; -1 serves no HTTP. */
  readonly httpPort: number;
  /** Consumer group prefix: `<group>.labeled`, `<group>.alerts`, `<group>.requests`. */
  readonly groupId: string;
  readonly fromBeginning: boolean;
  /** Folder of the jobs' state (`<jobsRoot>/<model>/<job id>/`). */
  readonly jobsRoot: string;
  /** Time-based batch cuts are checked this often. */
  readonly tickMs: number;
  /** Job events buffered while the broker is unreachable. */
  readonly outputBuffer: number;
  readonly jobs: RetrainSettings;
  /** When set, every PUBLISHED job event starts a canary rollout of the new version through the router. */
  readonly rollout?: RolloutServiceSettings;
  /** How `ratchet.alerts.v1` alerts with `retrain = true` start jobs (see `AlertTriggerPolicy`). */
  readonly triggers: {
    /** Labelled rows to wait for after a detection alert; 0 = start at once. */
    readonly freshRows: number;
    /** Rows per batch of the store. */
    readonly batchRows: number;
    /** Folder of the persisted waits; default `<jobsRoot>/../triggers`. */
    readonly pendingRoot?: string;
    /** Alert kinds that start jobs; default all. */
    readonly kinds?: ReadonlySet<AlertKind>;
  };
}

/** Canary rollouts of published versions (see `RolloutController`). */
export interface RolloutServiceSettings {
  /** gRPC address (host:port) of the router's admin API. */
  readonly routerAdmin: string;
  /** Share of traffic on the canary, in (0, 1). */
  readonly canaryShare: number;
  readonly minSamplePerArm: number;
  readonly alpha: number;
  /** Largest accuracy drop (and paired regression rate) tolerated; default 0. */
  readonly tolerance?: number;
  readonly timeoutMs: number;
  /** Request parameter pinning callers to an arm; default none. */
  readonly stickyKey?: string;
  /** Folder of the rollouts' state (`<root>/<model>.json`); default `./var/rollouts`. */
  readonly statesRoot?: string;
}

export const defaultRetrainerSettings: RetrainerServiceSettings = {
  httpHost: '127.0.0.1',
  httpPort: 8003,
  groupId: 'ratchet-retrainer',
  fromBeginning: true,
  jobsRoot: './var/jobs',
  tickMs: 10_000,
  outputBuffer: 10_000,
  jobs: defaultRetrainSettings,
  triggers: { freshRows: 2000, batchRows: 1000 },
};

export interface RetrainerServiceDeps {
  readonly bus: EventBus;
  readonly registry: FileRegistry;
  readonly store: BatchStore;
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Where candidates train: a shared `TrainingPool` (threads) or the bus executor (retrainer workers); default a pool per job. */
  readonly pool?: TrainingExecutor;
  /** The version a job starts from; default the highest version in the registry. */
  readonly productionVersion?: (model: string) => Promise<string | undefined>;
  readonly now?: () => number;
  /** Router admin used by rollouts; default a gRPC client for `settings.rollout.routerAdmin`. */
  readonly routerAdmin?: RouterAdminPort;
  /** A last say over retraining alerts (see `TriggerPolicyDeps.veto`). */
  readonly vetoAlert?: (alert: Alert) => string | undefined;
  /** Receives what the trigger policy did with each alert. */
  readonly onTrigger?: (d: TriggerDecision) => void;
}

/** A running retrainer. */
export interface RetrainerService {
  readonly retrainer: Retrainer;
  readonly triggers: AlertTriggerPolicy;
  /** Present when `settings.rollout` is set. */
  readonly rollouts: RolloutController | undefined;
  readonly store: BatchStore;
  readonly httpPort: number | undefined;
  readonly url: string | undefined;
  /** Seals batches that reached their age limit now (tests call it instead of waiting). */
  tick(): Promise<void>;
  /** Resolves once every job event offered so far was delivered (or the timeout passed). */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Ordered shutdown: not ready → stop consuming → stop jobs (they resume on the next start) → flush events → close HTTP and the store. */
  stop(): Promise<void>;
}

function registerRetrainerMetrics(registry: Registry, retrainer: Retrainer): void {
  new Gauge({
    name: 'ratchet_retrainer_jobs',
    help: 'Retraining jobs by outcome since start: started, published, refused, failed, busy (trigger dropped while a job ran)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      for (const [outcome, n] of Object.entries(retrainer.counters)) this.set({ outcome }, n);
    },
  });
  new Gauge({
    name: 'ratchet_retrainer_active_jobs',
    help: 'Retraining jobs running now',
    registers: [registry],
    collect() {
      this.set(retrainer.active().length);
    },
  });
}

/**
 * The version in production: with a router, the version of the model's `single` policy or the
 * stable (first) arm of its split — after a rollback that is the parent, not the newest version
 * on file; without a router (or a policy), the highest version in the registry.
 */
export function servingVersion(registry: FileRegistry, admin: RouterAdminPort | undefined): (model: string) => Promise<string | undefined> {
  return async (model) => {
    const serving = admin ? stableVersion((await admin.getPolicy(model))?.policy) : undefined;
    return serving ?? latestVersion(registry, model);
  };
}

/**
 * Starts the retrainer: stores `ratchet.labeled.v1` rows in the batch store (idempotent by
 * request id and row), starts jobs on `ratchet.alerts.v1` alerts with `retrain = true` through
 * the {@link AlertTriggerPolicy} (a detection waits for fresh rows) and on
 * `ratchet.retrain.requests.v1` at once, resumes jobs a previous process left unfinished, publishes
 * job events on `ratchet.retrain.jobs.v1`, and serves health and Prometheus metrics. With
 * `settings.rollout`, a PUBLISHED job event (consumed from the topic, records published after
 * the subscription only, so a fresh group never replays old versions) starts a canary rollout
 * of the new version against its parent through the router's admin API; rollout events go to
 * `ratchet.rollouts.v1`, and persisted rollouts resume on start.
 */
export async function startRetrainerService(settings: RetrainerServiceSettings, deps: RetrainerServiceDeps): Promise<RetrainerService> {
  const logger = deps.logger.child({ component: 'retrainer-service' });
  const publisher = new BufferedPublisher(deps.bus, { capacity: settings.outputBuffer, logger: logger.child({ component: 'retrainer-output' }) });
  const r = settings.rollout;
  const admin = r ? (deps.routerAdmin ?? grpcRouterAdmin(r.routerAdmin)) : undefined;
  const productionVersion = deps.productionVersion ?? servingVersion(deps.registry, admin);
  /** Models with a version published by a job whose canary has not started yet. */
  const awaitingRollout = new Set<string>();
  const retrainer = new Retrainer(settings.jobs, {
    store: deps.store,
    registry: deps.registry,
    states: new JobStateStore(settings.jobsRoot),
    logger,
    emit: (e) => {
      // Until its rollout starts (when this event comes back from the topic), the model counts as rolling out.
      if (settings.rollout && e.kind === RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED) awaitingRollout.add(e.model);
      void publisher.offer(Topics.retrainJobs, e);
    },
    ...(deps.pool ? { pool: deps.pool } : {}),
    productionVersion,
    ...(deps.now ? { now: deps.now } : {}),
  });
  registerRetrainerMetrics(deps.metrics, retrainer);
  registerDeliveryGauges(
    deps.metrics,
    { name: 'ratchet_retrainer_output_records', help: 'Job events the retrainer published by state: offered, queued, delivered, dropped' },
    () => publisher.counters,
  );
  let ready = false;
  await retrainer.resumeUnfinished();
  const rollouts =
    r && admin
      ? new RolloutController(
          {
            ...defaultRolloutControllerSettings,
            canaryShare: r.canaryShare,
            criteria: { ...defaultRolloutCriteria, minSamplePerArm: r.minSamplePerArm, alpha: r.alpha, timeoutMs: r.timeoutMs, tolerance: r.tolerance ?? 0 },
            stickyKey: r.stickyKey ?? '',
            groupId: `${settings.groupId}.rollout-metrics`,
          },
          {
            admin,
            bus: deps.bus,
            states: new RolloutStateStore(r.statesRoot ?? './var/rollouts'),
            logger,
            emit: (e) => void publisher.offer(Topics.rollouts, e),
            ...(deps.now ? { now: deps.now } : {}),
          },
        )
      : undefined;
  await rollouts?.start();
  const triggers = new AlertTriggerPolicy(
    { ...settings.triggers, pendingRoot: settings.triggers.pendingRoot ?? join(dirname(settings.jobsRoot), 'triggers') },
    {
      retrainer,
      store: deps.store,
      // A model counts only when this registry holds it (the router may know models of others).
      productionVersion: async (model) => ((await deps.registry.versions(model)).length > 0 ? productionVersion(model) : undefined),
      rolloutActive: (model) => awaitingRollout.has(model) || (rollouts?.active().some((s) => s.model === model) ?? false),
      logger,
      ...(deps.vetoAlert ? { veto: deps.vetoAlert } : {}),
      ...(deps.onTrigger ? { onDecision: deps.onTrigger } : {}),
    },
  );
  await triggers.resume();

  const subscribeOptions = (name: string) => ({ groupId: `${settings.groupId}.${name}`, fromBeginning: settings.fromBeginning, maxAttempts: 3 });
  const subscriptions: Subscription[] = [];
  subscriptions.push(
    await deps.bus.subscribe(
      Topics.labeled,
      async (e) => {
        const rows = labeledExampleRows(e);
        if (rows.length === 0) return;
        await deps.store.append(e.model, rows);
        await triggers.onRowsStored(e.model);
      },
      subscribeOptions('labeled'),
    ),
    await deps.bus.subscribe(
      Topics.alerts,
      async (a, ctx) => {
        // The job links to the alert's span through the record's traceparent.
        if (a.retrain) await triggers.onAlert(a, { kind: 'alert', id: a.id, reason: a.message, traceparent: ctx.traceparent });
      },
      subscribeOptions('alerts'),
    ),
    await deps.bus.subscribe(
      Topics.retrainRequests,
      async (r, ctx) => {
        await retrainer.trigger(r.model, { kind: 'request', id: r.requestId, reason: r.reason, traceparent: ctx.traceparent }, { maxBatches: r.maxBatches });
      },
      subscribeOptions('requests'),
    ),
  );
  if (rollouts) {
    subscriptions.push(
      await deps.bus.subscribe(
        Topics.retrainJobs,
        async (e) => {
          if (e.kind !== RetrainJobEventKind.RETRAIN_JOB_EVENT_KIND_PUBLISHED) return;
          await rollouts.startRollout({ model: e.model, canary: e.version, stable: e.parentVersion, jobId: e.jobId });
          awaitingRollout.delete(e.model);
        },
        { ...subscribeOptions('rollouts'), fromBeginning: false },
      ),
    );
  }
  const tick = async () => {
    try {
      const sealed = await deps.store.sealDue();
      if (sealed.length > 0) logger.info('batches sealed by age', { batches: sealed.map((b) => `${b.model}/${b.id}`) });
      for (const model of new Set(sealed.map((b) => b.model))) await triggers.onRowsStored(model);
    } catch (error) {
      logger.error('sealing batches failed', { error });
    }
    try {
      await rollouts?.tick();
    } catch (error) {
      logger.error('rollout timeout check failed', { error });
    }
  };
  const timer = setInterval(() => void tick(), settings.tickMs);
  timer.unref();
  const http = await startServiceHttpServer({
    host: settings.httpHost,
    port: settings.httpPort,
    registry: deps.metrics,
    ready: () => ready,
    routes: (app) => {
      app.get('/api/jobs', (_req, res) => {
        res.json({ active: retrainer.active(), counters: retrainer.counters });
      });
    },
    logger,
  });
  ready = true;
  logger.info('retrainer ready', { groupId: settings.groupId, http: http?.url ?? null });
  let stopping: Promise<void> | undefined;
  return {
    retrainer,
    triggers,
    rollouts,
    store: deps.store,
    httpPort: http?.port,
    url: http?.url,
    tick,
    flush: (timeoutMs = 10_000) => publisher.flush({ timeoutMs }),
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        clearInterval(timer);
        for (const s of subscriptions) await s.stop();
        await rollouts?.stop();
        await triggers.stop();
        await retrainer.stop();
        await publisher.close({ timeoutMs: 10_000 });
        await http?.close();
        await deps.store.close();
        if (admin && !deps.routerAdmin) admin.close();
        logger.info('retrainer stopped', { ...retrainer.counters });
      })()),
  };
}
