import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';
import { Topics } from '@ratchet/contracts';
import { BufferedPublisher, type EventBus, type Subscription } from '@ratchet/bus';
import type { FileRegistry } from '@ratchet/registry';
import { type Logger, registerDeliveryGauges, startHttpServer } from '@ratchet/service-kit';
import type { TrainingPool } from '@ratchet/training';
import type { BatchStore } from './batch-store/batch-store.js';
import { labeledExampleRows } from './batch-store/labeled-rows.js';
import { JobStateStore } from './job/job-state.js';
import { type RetrainSettings, defaultRetrainSettings } from './job/retrain-job.js';
import { Retrainer } from './retrainer.js';

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
};

export interface RetrainerServiceDeps {
  readonly bus: EventBus;
  readonly registry: FileRegistry;
  readonly store: BatchStore;
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Shared training pool (worker threads); default a pool per job. */
  readonly pool?: TrainingPool;
  /** The version a job starts from; default the highest version in the registry. */
  readonly productionVersion?: (model: string) => Promise<string | undefined>;
  readonly now?: () => number;
}

/** A running retrainer. */
export interface RetrainerService {
  readonly retrainer: Retrainer;
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
 * Starts the retrainer: stores `ratchet.labeled.v1` rows in the batch store (idempotent by
 * request id and row), starts a job on `ratchet.alerts.v1` alerts with `retrain = true` and on
 * `ratchet.retrain.requests.v1`, resumes jobs a previous process left unfinished, publishes
 * job events on `ratchet.retrain.jobs.v1`, and serves health and Prometheus metrics.
 */
export async function startRetrainerService(settings: RetrainerServiceSettings, deps: RetrainerServiceDeps): Promise<RetrainerService> {
  const logger = deps.logger.child({ component: 'retrainer-service' });
  const publisher = new BufferedPublisher(deps.bus, { capacity: settings.outputBuffer, logger: logger.child({ component: 'retrainer-output' }) });
  const retrainer = new Retrainer(settings.jobs, {
    store: deps.store,
    registry: deps.registry,
    states: new JobStateStore(settings.jobsRoot),
    logger,
    emit: (e) => void publisher.offer(Topics.retrainJobs, e),
    ...(deps.pool ? { pool: deps.pool } : {}),
    ...(deps.productionVersion ? { productionVersion: deps.productionVersion } : {}),
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

  const subscribeOptions = (name: string) => ({ groupId: `${settings.groupId}.${name}`, fromBeginning: settings.fromBeginning, maxAttempts: 3 });
  const subscriptions: Subscription[] = [];
  subscriptions.push(
    await deps.bus.subscribe(
      Topics.labeled,
      async (e) => {
        const rows = labeledExampleRows(e);
        if (rows.length > 0) await deps.store.append(e.model, rows);
      },
      subscribeOptions('labeled'),
    ),
    await deps.bus.subscribe(
      Topics.alerts,
      async (a) => {
        if (!a.retrain) return;
        await retrainer.trigger(a.model, { kind: 'alert', id: a.id, reason: a.message });
      },
      subscribeOptions('alerts'),
    ),
    await deps.bus.subscribe(
      Topics.retrainRequests,
      async (r) => {
        await retrainer.trigger(r.model, { kind: 'request', id: r.requestId, reason: r.reason }, { maxBatches: r.maxBatches });
      },
      subscribeOptions('requests'),
    ),
  );
  const tick = async () => {
    try {
      const sealed = await deps.store.sealDue();
      if (sealed.length > 0) logger.info('batches sealed by age', { batches: sealed.map((b) => `${b.model}/${b.id}`) });
    } catch (error) {
      logger.error('sealing batches failed', { error });
    }
  };
  const timer = setInterval(() => void tick(), settings.tickMs);
  timer.unref();
  const http =
    settings.httpPort >= 0
      ? await startHttpServer({
          host: settings.httpHost,
          port: settings.httpPort,
          registry: deps.metrics,
          health: { live: () => true, ready: () => ready },
          routes: (app) => {
            app.get('/api/jobs', (_req, res) => {
              res.json({ active: retrainer.active(), counters: retrainer.counters });
            });
          },
          logger,
        })
      : undefined;
  ready = true;
  logger.info('retrainer ready', { groupId: settings.groupId, http: http?.url ?? null });
  let stopping: Promise<void> | undefined;
  return {
    retrainer,
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
        await retrainer.stop();
        await publisher.close({ timeoutMs: 10_000 });
        await http?.close();
        await deps.store.close();
        logger.info('retrainer stopped', { ...retrainer.counters });
      })()),
  };
}
