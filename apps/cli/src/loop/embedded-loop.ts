import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { alertKindName, stableVersion } from '@ratchet/retrainer';
import { type Alert, type LabelObserved, type MetricsReport, type PolicyUpdated, Topics, WindowKind } from '@ratchet/contracts';
import type { EventBus, Subscription } from '@ratchet/bus';
import { InferenceClient } from '@ratchet/inference-client';
import { AlertConfig, type MonitorService, defaultMonitorSettings, startMonitorService } from '@ratchet/monitor';
import { type PredictionService, defaultPredictionSettings, startPredictionService } from '@ratchet/prediction';
import { FileRegistry } from '@ratchet/registry';
import { type RouterService, defaultRouterSettings, policyFromWords, startRouterService } from '@ratchet/router';
import { type Logger, createMetricsRegistry } from '@ratchet/service-kit';
import { adminRpc, routerAdmin } from '../commands/deploy.js';
import { bufferedPredictionSink, openBus } from '../runtime.js';
import { type BootstrapResult, bootstrapModel } from './bootstrap-model.js';
import { LabelDelayQueue } from './label-delay-queue.js';
import { type LoopSource, requestColumns } from './stream-source.js';

/** Settings of one embedded loop. */
export interface EmbeddedLoopOptions {
  /** State folder: the registry lives in `<var>/registry`. */
  readonly varDir: string;
  readonly source: LoopSource;
  /** Rows per second sent through the router (all clients together). */
  readonly rate: number;
  /** Concurrent gRPC clients. Default 4. */
  readonly clients?: number;
  /** Rows streamed before a row's label is sent (plus jitter up to half of it). */
  readonly labelDelayRows: number;
  readonly seed: number;
  /**
   * Base ports, 0 = free ports. gRPC: prediction at base, router at base + 10. HTTP: prediction
   * at base, monitor (dashboard) at base + 2, router at base + 10 — the services' own defaults
   * for bases 8001/8000. A busy port falls back to a free one.
   */
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Monitor windows: labelled rows per accuracy window and rows per drift check. Default 1000 each. */
  readonly countWindow?: number;
  readonly driftWindowRows?: number;
  /**
   * Test level of each drift check (features, labels, scores). Default 0.001: a check runs on
   * every window, so over a long stable stretch the monitor's per-check 0.05 adds up to a fair
   * chance of one false alarm before any drift, while an injected shift is far below 0.001.
   */
  readonly driftAlpha?: number;
  /** Monitor tick (windows closed, performance judged). Default 1000 ms. */
  readonly tickMs?: number;
  readonly logger: Logger;
}

/** What the run reports while it goes. */
export type LoopEvent =
  | { readonly kind: 'drift-onset'; readonly row: number; readonly description: string }
  | { readonly kind: 'alert'; readonly alert: Alert; readonly row: number; readonly sinceOnset: OnsetDelay | undefined }
  /** A retraining trigger while no retrainer is wired in (`ratchet up --no-retrain`). */
  | { readonly kind: 'retrain-off'; readonly alert: Alert }
  | { readonly kind: 'alert-handler-failed'; readonly alert: Alert; readonly error: Error };

/** Time and rows from the injected drift onset to an event, measured by the run. */
export interface OnsetDelay {
  readonly ms: number;
  readonly rows: number;
}

/** One line of live progress. */
export interface LoopStatus {
  readonly elapsedMs: number;
  readonly rowsStreamed: number;
  readonly rowsTotal: number;
  readonly failed: number;
  readonly labelsSent: number;
  /** Count-window accuracy of the serving version, as the monitor last reported it. */
  readonly accuracy: { readonly version: string; readonly value: number; readonly count: number } | undefined;
  /** Features that drifted at the serving version's last drift check (undefined: not checked yet). */
  readonly driftedFeatures: readonly string[] | undefined;
  readonly alerts: number;
}

/** An alert as the summary lists it. */
export interface AlertSeen {
  readonly kind: string;
  readonly severity: string;
  readonly version: string;
  readonly message: string;
  readonly retrain: boolean;
  /** Rows streamed when the loop received it. */
  readonly row: number;
  readonly sinceOnset: OnsetDelay | undefined;
}

/** The end of a run. */
export interface LoopSummary {
  readonly model: string;
  readonly version: string;
  readonly rowsStreamed: number;
  readonly failed: number;
  readonly labelsSent: number;
  readonly durationMs: number;
  /** Rows the monitor joined with their labels. */
  readonly joinedRows: number;
  /** Labelled rows in the serving version's last count window (monitor metrics). */
  readonly metricsCount: number;
  /** Row the drift onset was measured at (undefined: no drift injected, or not reached). */
  readonly onset: number | undefined;
  readonly alerts: readonly AlertSeen[];
  /** First alert of each kind after the onset, with its delay. */
  readonly firstAfterOnset: Readonly<Record<string, OnsetDelay>>;
  readonly aborted: boolean;
}

/** Context an alert handler gets: the loop's parts, for a retrainer to use. */
export interface AlertContext {
  readonly registry: FileRegistry;
  readonly bus: EventBus;
  /** gRPC address of the router (OIP and RouterAdmin). */
  readonly routerAddress: string;
  readonly source: LoopSource;
  readonly logger: Logger;
}

/**
 * Called for every alert the monitor raises on the loop's model. The retrainer plugs in here;
 * a handler's failure is reported as an event and does not stop the stream.
 */
export type AlertHandler = (alert: Alert, context: AlertContext) => Promise<void> | void;

export { alertKindName };

async function pollUntil(check: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}

/** Starts a service on its ports, or on free ones when they are taken (noting it in `notes`). */
async function onPortOrFree<T>(start: (grpc: number, http: number) => Promise<T>, grpc: number, http: number, notes: string[], what: string): Promise<T> {
  try {
    return await start(grpc, http);
  } catch (err) {
    if (grpc === 0 && http <= 0) throw err;
    notes.push(`${what}: ports ${grpc || '-'}/${http > 0 ? http : '-'} are busy (${(err as Error).message.split('\n')[0]}); using free ports`);
    return start(0, http < 0 ? http : 0);
  }
}

/**
 * The whole loop in one process (`ratchet up`): the in-memory bus, a file registry under
 * `varDir`, a bootstrapped first version, and the prediction, router and monitor services;
 * {@link EmbeddedLoop.run} streams the source through the router with late, shuffled labels
 * and reports alerts to the registered {@link AlertHandler}s.
 */
export class EmbeddedLoop {
  private readonly handlers: AlertHandler[] = [];
  private readonly alertsSeen: AlertSeen[] = [];
  private readonly subscriptions: Subscription[] = [];
  private lastReport: MetricsReport | undefined;
  private rowsStreamed = 0;
  private failed = 0;
  private labelsSent = 0;
  private onsetAtMs: number | undefined;
  private startedAtMs = 0;
  private events: (e: LoopEvent) => void = () => undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly options: EmbeddedLoopOptions,
    readonly bus: EventBus,
    readonly registry: FileRegistry,
    readonly bootstrap: BootstrapResult,
    private readonly prediction: PredictionService,
    private readonly router: RouterService,
    readonly monitor: MonitorService,
    private readonly sinks: { close(): Promise<void> }[],
    /** What start-up had to work around (busy ports). */
    readonly notes: readonly string[],
  ) {}

  /** Bootstraps the first version, starts the services and routes the model to that version. */
  static async start(options: EmbeddedLoopOptions): Promise<EmbeddedLoop> {
    const { logger, source } = options;
    // The embedded default is the in-memory bus, whatever KAFKA_BROKERS says.
    const bus = await openBus('ratchet-up', { logger, brokers: '', topicPrefix: '' });
    const registry = new FileRegistry({ root: resolve(options.varDir, 'registry'), onPublished: async (e) => void (await bus.publish(Topics.models, e)) });
    const started: { stop(): Promise<void> }[] = [];
    const sinks: { close(): Promise<void> }[] = [];
    const notes: string[] = [];
    try {
      const bootstrap = await bootstrapModel(registry, source, options.seed);
      const predictionSink = bufferedPredictionSink(bus, 100_000, logger);
      const routeSink = bufferedPredictionSink(bus, 100_000, logger);
      sinks.push(predictionSink.publisher, routeSink.publisher);
      const base = (port: number, offset: number) => (port === 0 ? 0 : port + offset);
      // Each service at its offset from the base ports (no gRPC offset: the service has no gRPC).
      const at = <T>(what: string, grpcOffset: number | undefined, httpOffset: number, start: (grpc: number, http: number) => Promise<T>) =>
        onPortOrFree(start, grpcOffset === undefined ? 0 : base(options.grpcPort, grpcOffset), base(options.httpPort, httpOffset), notes, what);
      const prediction = await at('prediction', 0, 0, (grpcPort, httpPort) =>
        startPredictionService({ ...defaultPredictionSettings, grpcPort, httpPort }, { registry, logger, bus, sink: predictionSink, metrics: createMetricsRegistry({ serviceName: 'prediction' }) }),
      );
      started.push(prediction);
      const router = await at('router', 10, 10, (grpcPort, httpPort) =>
        startRouterService(
          { ...defaultRouterSettings, grpcPort, httpPort, members: { default: [`127.0.0.1:${prediction.grpcPort}`] } },
          { registry, bus, sink: routeSink, metrics: createMetricsRegistry({ serviceName: 'router' }), logger },
        ),
      );
      started.push(router);
      const monitor = await at('monitor', undefined, 2, (_grpc, httpPort) =>
        startMonitorService(
          {
            ...defaultMonitorSettings,
            httpPort,
            groupId: `ratchet-up-${randomUUID().slice(0, 8)}`,
            tickMs: options.tickMs ?? 1000,
            metrics: { ...defaultMonitorSettings.metrics, countWindow: options.countWindow ?? 1000 },
            drift: { ...defaultMonitorSettings.drift, windowRows: options.driftWindowRows ?? 1000, check: { ...defaultMonitorSettings.drift.check, ...(options.driftAlpha === undefined ? {} : { alpha: options.driftAlpha }) } },
          },
          { bus, registry, logger, metrics: createMetricsRegistry({ serviceName: 'monitor' }), alerts: new AlertConfig() },
        ),
      );
      started.push(monitor);
      const loop = new EmbeddedLoop(options, bus, registry, bootstrap, prediction, router, monitor, sinks, notes);
      await loop.route('single', [bootstrap.record.version]);
      await loop.watch();
      return loop;
    } catch (err) {
      for (const s of started.reverse()) await s.stop().catch(() => undefined);
      for (const s of sinks) await s.close().catch(() => undefined);
      await bus.close();
      throw err;
    }
  }

  /** gRPC address of the router: OIP inference and RouterAdmin. */
  get routerAddress(): string {
    return `127.0.0.1:${this.router.grpcPort}`;
  }

  /** gRPC address of the prediction service. */
  get predictionAddress(): string {
    return `127.0.0.1:${this.prediction.grpcPort}`;
  }

  /** The monitor's dashboard page of the loop's model. */
  get dashboardUrl(): string | undefined {
    return this.monitor.url ? `${this.monitor.url}/dashboard/${this.options.source.model}` : undefined;
  }

  /** Registers an alert handler (the retrainer's entry point). */
  onAlert(handler: AlertHandler): void {
    this.handlers.push(handler);
  }

  /** Sets the model's routing policy through the router's admin API, as `ratchet deploy` does. */
  async route(kind: string, args: readonly string[]): Promise<PolicyUpdated> {
    const model = this.options.source.model;
    const admin = routerAdmin(this.routerAddress);
    try {
      const current = this.router.store.latest(model);
      return await adminRpc<object, PolicyUpdated>(admin, 'setPolicy', {
        model,
        policy: policyFromWords(model, kind, args),
        updatedBy: 'ratchet up',
        expectedRevision: current?.revision ?? 0,
      });
    } finally {
      admin.close();
    }
  }

  private async watch(): Promise<void> {
    const model = this.options.source.model;
    this.subscriptions.push(
      await this.bus.subscribe(
        Topics.metrics,
        (r) => {
          if (r.model === model && r.windowKind === WindowKind.WINDOW_KIND_COUNT && (!this.lastReport || r.version === this.servingVersion() || r.count >= this.lastReport.count)) this.lastReport = r;
        },
        { groupId: 'ratchet-up.metrics', fromBeginning: true },
      ),
      await this.bus.subscribe(Topics.alerts, (a) => (a.model === model ? this.onAlertReceived(a) : undefined), { groupId: 'ratchet-up.alerts', fromBeginning: true }),
    );
  }

  /** The version the router serves the model with: the single version, or the first (stable) arm of a split. */
  servingVersion(): string {
    return stableVersion(this.router.store.latest(this.options.source.model)?.policy) ?? this.bootstrap.record.version;
  }

  /** Time and rows since the injected drift onset; undefined before it (or without one). */
  sinceOnset(): OnsetDelay | undefined {
    const onset = this.options.source.drift?.onset;
    if (this.onsetAtMs === undefined || onset === undefined) return undefined;
    return { ms: Date.now() - this.onsetAtMs, rows: this.rowsStreamed - onset };
  }

  private async onAlertReceived(alert: Alert): Promise<void> {
    const sinceOnset = this.sinceOnset();
    this.alertsSeen.push({
      kind: alertKindName(alert.kind),
      severity: alert.severity === 3 ? 'critical' : alert.severity === 2 ? 'warning' : 'info',
      version: alert.version,
      message: alert.message,
      retrain: alert.retrain,
      row: this.rowsStreamed,
      sinceOnset,
    });
    this.events({ kind: 'alert', alert, row: this.rowsStreamed, sinceOnset });
    if (alert.retrain && this.handlers.length === 0) this.events({ kind: 'retrain-off', alert });
    const context: AlertContext = { registry: this.registry, bus: this.bus, routerAddress: this.routerAddress, source: this.options.source, logger: this.options.logger };
    for (const handler of this.handlers) {
      try {
        await handler(alert, context);
      } catch (error) {
        this.events({ kind: 'alert-handler-failed', alert, error: error instanceof Error ? error : new Error(String(error)) });
      }
    }
  }

  /** The current progress figures. */
  status(): LoopStatus {
    const r = this.lastReport;
    const drift = this.monitor.monitor.drift.ofModel(this.options.source.model).find((d) => d.version === this.servingVersion());
    return {
      elapsedMs: this.startedAtMs ? Date.now() - this.startedAtMs : 0,
      rowsStreamed: this.rowsStreamed,
      rowsTotal: this.options.source.stream.nRows,
      failed: this.failed,
      labelsSent: this.labelsSent,
      accuracy: r && r.metrics['accuracy'] !== undefined ? { version: r.version, value: r.metrics['accuracy'], count: r.count } : undefined,
      driftedFeatures: drift?.last ? drift.last.report.driftedFeatures : undefined,
      alerts: this.alertsSeen.length,
    };
  }

  /**
   * Streams every row of the source through the router (single-row requests, each with its id,
   * paced to `rate` rows/s over the clients), sends each row's label to `ratchet.feedback.v1`
   * after the label delay in shuffled order, then lets the monitor settle and returns the
   * summary. `signal` stops the stream early (the summary says so).
   */
  async run(hooks: { onEvent?: (e: LoopEvent) => void; onStatus?: (s: LoopStatus) => void; statusEveryMs?: number; signal?: AbortSignal } = {}): Promise<LoopSummary> {
    const { source, rate, labelDelayRows, seed } = this.options;
    if (!(rate > 0)) throw new RangeError(`rate must be > 0 rows/s, got ${rate}`);
    this.events = hooks.onEvent ?? (() => undefined);
    const model = source.model;
    const version = this.servingVersion();
    const total = source.stream.nRows;
    const runId = randomUUID().slice(0, 8);
    const queue = new LabelDelayQueue<LabelObserved>({ delayRows: labelDelayRows, seed });
    const client = new InferenceClient(this.routerAddress, { deadlineMs: 10_000 });
    const onset = source.drift?.onset;
    let next = 0;
    let completed = 0;
    let publishing = Promise.resolve();
    const publishLabels = (labels: LabelObserved[]) => {
      if (labels.length === 0) return;
      this.labelsSent += labels.length;
      publishing = publishing.then(() => this.bus.publishBatch(Topics.feedback, labels).then(() => undefined));
    };
    this.startedAtMs = Date.now();
    const status = hooks.onStatus;
    const timer = status ? setInterval(() => status(this.status()), hooks.statusEveryMs ?? 1000) : undefined;
    const worker = async () => {
      for (;;) {
        if (hooks.signal?.aborted) return;
        const i = next++;
        if (i >= total) return;
        const due = this.startedAtMs + (i * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        if (hooks.signal?.aborted) return;
        if (i === onset) {
          this.onsetAtMs = Date.now();
          this.events({ kind: 'drift-onset', row: i, description: source.drift?.description ?? '' });
        }
        const requestId = `${model}-${runId}-${i}`;
        try {
          await client.infer({ model, id: requestId, inputs: requestColumns(source.stream, source.schema, i, i + 1) });
          queue.add({ requestId, model, rowOffset: 0, labels: [source.labels[i] as number], timestampMs: 0, source: 'ratchet up' }, i);
        } catch (error) {
          this.failed++;
          if (this.failed <= 3) this.options.logger.warn('request failed', { requestId, error });
        }
        this.rowsStreamed++;
        completed = Math.max(completed, i);
        publishLabels(queue.release(completed).map((l) => ({ ...l, timestampMs: Date.now() })));
      }
    };
    try {
      await Promise.all(Array.from({ length: this.options.clients ?? 4 }, worker));
      publishLabels(queue.drain().map((l) => ({ ...l, timestampMs: Date.now() })));
      await publishing;
      await this.settle();
    } finally {
      if (timer) clearInterval(timer);
      client.close();
    }
    if (status) status(this.status());
    const firstAfterOnset: Record<string, OnsetDelay> = {};
    for (const a of this.alertsSeen) if (a.sinceOnset && a.sinceOnset.ms >= 0 && !firstAfterOnset[a.kind]) firstAfterOnset[a.kind] = a.sinceOnset;
    return {
      model,
      version,
      rowsStreamed: this.rowsStreamed,
      failed: this.failed,
      labelsSent: this.labelsSent,
      durationMs: Date.now() - this.startedAtMs,
      joinedRows: this.monitor.monitor.join.counters.joinedRows,
      metricsCount: this.lastReport?.count ?? 0,
      onset: this.onsetAtMs !== undefined ? onset : undefined,
      alerts: [...this.alertsSeen],
      firstAfterOnset,
      aborted: hooks.signal?.aborted ?? false,
    };
  }

  /** Waits for the monitor to join the labels sent, then runs its periodic work and delivers its outputs. */
  private async settle(): Promise<void> {
    const join = this.monitor.monitor.join;
    await pollUntil(() => join.counters.labelRows + join.counters.duplicateLabelRows + join.counters.invalidLabelRows >= this.labelsSent, 10_000);
    this.monitor.tick();
    await this.monitor.flush(5000);
    // The last alerts and reports reach the loop's own subscriptions through the bus.
    const raised = () => this.monitor.monitor.alerts(this.options.source.model).length;
    await pollUntil(() => this.alertsSeen.length >= raised() && this.lastReport !== undefined, 5000);
  }

  /** Ordered shutdown: router (stops intake) → prediction → prediction logs → monitor → bus. Idempotent. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      await this.router.stop();
      await this.prediction.stop();
      for (const s of this.sinks) await s.close();
      await this.monitor.stop();
      for (const s of this.subscriptions) await s.stop();
      await this.bus.close();
    })());
  }
}
