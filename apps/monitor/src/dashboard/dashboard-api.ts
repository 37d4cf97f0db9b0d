import { alertKindToJSON, alertSeverityToJSON } from '@ratchet/contracts';
import type { FileRegistry } from '@ratchet/registry';
import type { Monitor } from '../monitor.js';

/** A deployed version as the dashboard lists it. */
export interface DeployedVersion {
  readonly version: string;
  /** Last prediction seen from it; undefined when it is only in the registry. */
  readonly lastSeenMs?: number;
  readonly publishedAtMs?: number;
  readonly parentVersion?: string;
  readonly validationMetrics?: Readonly<Record<string, number>>;
  readonly hasDriftProfile?: boolean;
}

/** Everything the dashboard page of one model shows (GET /api/models/:model). */
export async function modelOverview(monitor: Monitor, model: string, registry?: FileRegistry): Promise<Record<string, unknown>> {
  const seen = new Map(monitor.deployedVersions(model).map((v) => [v.version, v.lastSeenMs]));
  const deployed: DeployedVersion[] = [];
  const records = registry ? await registry.list(model).catch(() => []) : [];
  for (const r of records) {
    const lastSeenMs = seen.get(r.version);
    deployed.push({
      version: r.version,
      ...(lastSeenMs === undefined ? {} : { lastSeenMs }),
      publishedAtMs: r.publishedAtMs,
      parentVersion: r.manifest.parentVersion,
      validationMetrics: r.manifest.metrics,
      hasDriftProfile: 'drift_profile' in r.manifest.reports,
    });
    seen.delete(r.version);
  }
  for (const [version, lastSeenMs] of seen) deployed.push({ version, lastSeenMs });
  return {
    model,
    monitorId: monitor.monitorId,
    generatedAtMs: Date.now(),
    deployed,
    series: monitor.metrics.seriesOf(model),
    // Plain objects, not proto JSON: proto3 JSON omits zeros (a p-value of 0 would vanish).
    comparisons: monitor.metrics.comparisons(model),
    pairs: monitor.metrics.pairSummaries(model),
    drift: monitor.drift.ofModel(model).map((v) => ({
      version: v.version,
      hasProfile: v.hasProfile,
      windowRows: v.windowRows,
      history: v.history,
      last: v.last
        ? {
            checkedAtMs: v.last.checkedAtMs,
            windowStartMs: v.last.windowStartMs,
            drifted: v.last.report.drifted,
            driftedFeatures: v.last.report.driftedFeatures,
            windowSize: v.last.report.windowSize,
            features: v.last.report.features,
            labelShift: v.last.report.labelShift,
            histograms: v.last.histograms,
          }
        : undefined,
    })),
    alerts: monitor.alerts(model).map((a) => ({ ...a, kind: alertKindToJSON(a.kind), severity: alertSeverityToJSON(a.severity) })),
  };
}

/** Join and record counters (GET /api/status). */
export function monitorStatus(monitor: Monitor): Record<string, unknown> {
  return { monitorId: monitor.monitorId, models: monitor.models(), join: { ...monitor.join.counters, openEntries: monitor.join.size }, records: monitor.counters, drift: monitor.drift.counters };
}
