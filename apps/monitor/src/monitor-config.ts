import { z } from 'zod';
import { boolean, loadConfig, nonNegativeInt, port, positiveInt, text, type Env, commonServiceConfig } from '@ratchet/service-kit';
import { type MonitorServiceSettings, defaultMonitorSettings as d } from './monitor-service.js';

/** Environment variables of `ratchet serve monitor`, with their defaults. */
export const monitorConfigSchema = z.object({
  ...commonServiceConfig,
  RATCHET_HTTP_HOST: text().default(d.httpHost),
  RATCHET_HTTP_PORT: port().default(d.httpPort),
  RATCHET_MONITOR_GROUP: text().default(d.groupId),
  RATCHET_MONITOR_FROM_BEGINNING: boolean().default(d.fromBeginning),
  RATCHET_MONITOR_CONCURRENCY: positiveInt({ max: 1024 }).default(d.concurrency),
  RATCHET_MONITOR_TICK_MS: positiveInt().default(d.tickMs),
  RATCHET_JOIN_TTL_MS: positiveInt().default(d.join.ttlMs),
  RATCHET_JOIN_MAX_ENTRIES: positiveInt().default(d.join.maxEntries),
  RATCHET_JOIN_ROUTE_WAIT_MS: nonNegativeInt().default(d.join.routeWaitMs),
  RATCHET_METRICS_COUNT_WINDOW: positiveInt({ max: 10_000_000 }).default(d.metrics.countWindow),
  RATCHET_METRICS_WINDOW_MS: positiveInt().default(d.metrics.windowMs),
  RATCHET_AB_MIN_EFFECT: z.coerce.number().gt(0).lt(1).default(d.metrics.minimumDetectableEffect),
  RATCHET_DRIFT_WINDOW_ROWS: positiveInt().default(d.drift.windowRows),
  RATCHET_DRIFT_MAX_AGE_MS: positiveInt().default(d.drift.maxAgeMs),
  /** Level of the drift tests (after the multiplicity correction across features). */
  RATCHET_DRIFT_ALPHA: z.coerce.number().gt(0).lt(1).default(d.drift.check?.alpha ?? 0.001),
  /** Alert rules: a JSON file path, or the JSON itself. */
  RATCHET_MONITOR_ALERTS: text().optional(),
  RATCHET_OUTPUT_BUFFER: positiveInt().default(d.outputBuffer),
});

export type MonitorConfig = z.output<typeof monitorConfigSchema>;

/** Reads and validates the monitor's environment. */
export function loadMonitorConfig(env?: Env): MonitorConfig {
  return loadConfig(monitorConfigSchema, env);
}

/** The service settings a config describes. */
export function monitorSettings(c: MonitorConfig): MonitorServiceSettings {
  return {
    httpHost: c.RATCHET_HTTP_HOST,
    httpPort: c.RATCHET_HTTP_PORT,
    groupId: c.RATCHET_MONITOR_GROUP,
    fromBeginning: c.RATCHET_MONITOR_FROM_BEGINNING,
    concurrency: c.RATCHET_MONITOR_CONCURRENCY,
    tickMs: c.RATCHET_MONITOR_TICK_MS,
    join: { ttlMs: c.RATCHET_JOIN_TTL_MS, maxEntries: c.RATCHET_JOIN_MAX_ENTRIES, routeWaitMs: c.RATCHET_JOIN_ROUTE_WAIT_MS },
    metrics: { countWindow: c.RATCHET_METRICS_COUNT_WINDOW, windowMs: c.RATCHET_METRICS_WINDOW_MS, minimumDetectableEffect: c.RATCHET_AB_MIN_EFFECT },
    drift: { windowRows: c.RATCHET_DRIFT_WINDOW_ROWS, maxAgeMs: c.RATCHET_DRIFT_MAX_AGE_MS, check: { ...d.drift.check, alpha: c.RATCHET_DRIFT_ALPHA } },
    outputBuffer: c.RATCHET_OUTPUT_BUFFER,
  };
}
