import type { Registry } from 'prom-client';
import { type DriftCheckOptions, ReferenceProfile } from '@ratchet/drift';
import { Topics } from '@ratchet/contracts';
import { BufferedPublisher, type EventBus, type Subscription } from '@ratchet/bus';
import type { FileRegistry } from '@ratchet/registry';
import { type Logger, startServiceHttpServer } from '@ratchet/service-kit';
import { AlertConfig } from './alerts/alert-config.js';
import type { ProfileSource } from './drift/drift-tracker.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { Monitor } from './monitor.js';
import { registerMonitorMetrics } from './monitor-metrics.js';

/** Settings of one monitor instance (see `monitorConfigSchema` for the env variables). */
export interface MonitorServiceSettings {
  readonly httpHost: string;
  /** 0 picks a free port; -1 serves no HTTP. */
  readonly httpPort: number;
  /** Consumer group prefix: `<group>.predictions` and `<group>.feedback` (members share partitions). */
  readonly groupId: string;
  /** Where a new group starts: the first retained record, or only new records. */
  readonly fromBeginning: boolean;
  /** Partitions handled at the same time per topic. */
  readonly concurrency: number;
  /** Windows closed, state expired and reports published this often. */
  readonly tickMs: number;
  readonly join: { readonly ttlMs: number; readonly maxEntries: number; readonly routeWaitMs: number };
  readonly metrics: { readonly countWindow: number; readonly windowMs: number; readonly minimumDetectableEffect: number };
  /** `check`: test level, correction and effect thresholds of each drift check (libs/drift defaults when absent). */
  readonly drift: { readonly windowRows: number; readonly maxAgeMs: number; readonly check?: DriftCheckOptions };
  /** Records (labeled, metrics, alerts) buffered while the broker is unreachable. */
  readonly outputBuffer: number;
  readonly monitorId?: string;
}

export const defaultMonitorSettings: MonitorServiceSettings = {
  httpHost: '127.0.0.1',
  httpPort: 8002,
  groupId: 'ratchet-monitor',
  fromBeginning: true,
  concurrency: 3,
  tickMs: 1000,
  join: { ttlMs: 600_000, maxEntries: 100_000, routeWaitMs: 0 },
  metrics: { countWindow: 1000, windowMs: 60_000, minimumDetectableEffect: 0.02 },
  // The check re-runs on a sliding window every tick, so a per-check level of 5 % would raise
  // false alarms (and retraining triggers) many times a day: 0.1 % after the multiplicity correction.
  drift: { windowRows: 1000, maxAgeMs: 300_000, check: { alpha: 0.001 } },
  outputBuffer: 100_000,
};

export interface MonitorServiceDeps {
  readonly bus: EventBus;
  /** Source of drift profiles (manifest report `drift_profile`) and of the deployed versions. */
  readonly registry?: FileRegistry;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly alerts?: AlertConfig;
  readonly now?: () => number;
}

/** A running monitor. */
export interface MonitorService {
  readonly monitor: Monitor;
  readonly httpPort: number | undefined;
  /** Base URL of the dashboard and API, when HTTP is served. */
  readonly url: string | undefined;
  /** Runs the periodic work now (tests and benchmarks call it instead of waiting). */
  tick(): void;
  /** Resolves once everything offered to the output topics was delivered (or the timeout passed). */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Ordered shutdown: not ready → stop consuming → final tick → flush outputs → close HTTP. */
  stop(): Promise<void>;
}

/** Reads a version's reference profile from its registry manifest (`reports.drift_profile`). */
export function registryProfileSource(registry: FileRegistry): ProfileSource {
  return async (model, version) => {
    const record = await registry.get(model, version);
    const json = record?.manifest.reports['drift_profile'];
    return json ? ReferenceProfile.fromJSON(JSON.parse(json)) : undefined;
  };
}

/**
 * Starts the monitor: consumes `ratchet.predictions.v1` and `ratchet.feedback.v1` in one
 * consumer group, joins them, publishes `ratchet.labeled.v1`, `ratchet.metrics.v1` and
 * `ratchet.alerts.v1` through a bounded buffer, and serves health, Prometheus metrics, the
 * dashboard and its JSON API over HTTP. Invalid records go to the topics' DLQs.
 */
export async function startMonitorService(settings: MonitorServiceSettings, deps: MonitorServiceDeps): Promise<MonitorService> {
  const logger = deps.logger.child({ component: 'monitor' });
  const publisher = new BufferedPublisher(deps.bus, { capacity: settings.outputBuffer, logger: logger.child({ component: 'monitor-output' }) });
  const monitor = new Monitor(
    {
      labeled: (e) => void publisher.offer(Topics.labeled, e),
      metrics: (r) => void publisher.offer(Topics.metrics, r),
      alert: (a) => void publisher.offer(Topics.alerts, a),
    },
    deps.registry ? registryProfileSource(deps.registry) : async () => undefined,
    {
      ...(settings.monitorId ? { monitorId: settings.monitorId } : {}),
      join: settings.join,
      metrics: { countWindow: settings.metrics.countWindow, windowMs: settings.metrics.windowMs, ab: { minimumDetectableEffect: settings.metrics.minimumDetectableEffect } },
      drift: settings.drift,
      alerts: deps.alerts ?? new AlertConfig(),
      logger,
      ...(deps.now ? { now: deps.now } : {}),
    },
  );
  registerMonitorMetrics(deps.metrics, monitor, () => publisher.counters);
  let ready = false;
  const tick = () => {
    try {
      monitor.tick();
    } catch (error) {
      logger.error('monitor tick failed', { error });
    }
  };

  // One group per topic: kafkajs' assigners expect every member of a group to subscribe to the
  // same topics, and the bus subscribes one topic per consumer.
  const subscribeOptions = (topic: string) => ({
    groupId: `${settings.groupId}.${topic}`,
    fromBeginning: settings.fromBeginning,
    concurrency: settings.concurrency,
    maxAttempts: 3,
  });
  const subscriptions: Subscription[] = [];
  subscriptions.push(
    await deps.bus.subscribe(Topics.predictions, (record, ctx) => monitor.onPrediction(record, ctx), subscribeOptions('predictions')),
    await deps.bus.subscribe(Topics.feedback, (record, ctx) => monitor.onLabel(record, ctx), subscribeOptions('feedback')),
  );
  const timer = setInterval(tick, settings.tickMs);
  timer.unref();

  const http = await startServiceHttpServer({
    host: settings.httpHost,
    port: settings.httpPort,
    registry: deps.metrics,
    ready: () => ready,
    routes: dashboardRoutes(monitor, deps.registry),
    logger,
  });
  ready = true;
  logger.info('monitor ready', { monitorId: monitor.monitorId, groupId: settings.groupId, http: http?.url ?? null });

  let stopping: Promise<void> | undefined;
  return {
    monitor,
    httpPort: http?.port,
    url: http?.url,
    tick,
    flush: (timeoutMs = 10_000) => publisher.flush({ timeoutMs }),
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        clearInterval(timer);
        for (const s of subscriptions) await s.stop();
        tick();
        await publisher.close({ timeoutMs: 10_000 });
        await http?.close();
        logger.info('monitor stopped', { monitorId: monitor.monitorId, ...monitor.join.counters });
      })()),
  };
}
