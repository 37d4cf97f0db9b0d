import { Gauge, type Registry } from 'prom-client';
import type { BufferedPublisherCounters } from '@ratchet/bus';
import { alertKindToJSON } from '@ratchet/contracts';
import { registerDeliveryGauges } from '@ratchet/service-kit';
import type { Monitor } from './monitor.js';

/**
 * Registers the monitor's Prometheus metrics, all read from the monitor at scrape time:
 * join outcomes (joined, expired predictions, orphan / late / duplicate / invalid labels),
 * open join entries, refused and redelivered records, the count-window quality metrics per
 * model/version/arm, the last drift statistic per feature, alerts raised and output delivery.
 */
export function registerMonitorMetrics(registry: Registry, monitor: Monitor, output?: () => BufferedPublisherCounters): void {
  const registers = [registry];
  new Gauge({
    name: 'ratchet_monitor_join_rows',
    help: 'Rows through the prediction/label join by outcome (monotonic since start): joined, label (received), expired_prediction, orphan_label, late_label, duplicate_label, invalid_label',
    labelNames: ['outcome'],
    registers,
    collect() {
      const c = monitor.join.counters;
      this.set({ outcome: 'label' }, c.labelRows);
      this.set({ outcome: 'joined' }, c.joinedRows);
      this.set({ outcome: 'expired_prediction' }, c.expiredPredictionRows);
      this.set({ outcome: 'orphan_label' }, c.orphanLabelRows);
      this.set({ outcome: 'late_label' }, c.lateLabelRows);
      this.set({ outcome: 'duplicate_label' }, c.duplicateLabelRows);
      this.set({ outcome: 'invalid_label' }, c.invalidLabelRows);
    },
  });
  new Gauge({
    name: 'ratchet_monitor_records',
    help: 'Consumed records by outcome (monotonic since start): prediction, duplicate_prediction, redelivered, invalid_prediction, invalid_label (to the DLQ), late_route, without_outputs (failed requests, nothing to join)',
    labelNames: ['outcome'],
    registers,
    collect() {
      const j = monitor.join.counters;
      const m = monitor.counters;
      this.set({ outcome: 'prediction' }, j.predictionRecords);
      this.set({ outcome: 'duplicate_prediction' }, j.duplicatePredictionRecords);
      this.set({ outcome: 'redelivered' }, m.redeliveredRecords);
      this.set({ outcome: 'invalid_prediction' }, m.invalidPredictions);
      this.set({ outcome: 'invalid_label' }, m.invalidLabels);
      this.set({ outcome: 'late_route' }, j.lateRouteRecords);
      this.set({ outcome: 'without_outputs' }, m.predictionsWithoutOutputs);
    },
  });
  new Gauge({
    name: 'ratchet_monitor_join_open_entries',
    help: 'Requests held in the join state, waiting for their other half',
    registers,
    collect() {
      this.set(monitor.join.size);
    },
  });
  new Gauge({
    name: 'ratchet_monitor_metric',
    help: 'Quality metric over the count window (the last N labelled rows) per model, version and arm',
    labelNames: ['model', 'version', 'arm', 'metric'],
    registers,
    collect() {
      this.reset();
      for (const model of monitor.metrics.models()) {
        for (const s of monitor.metrics.seriesOf(model)) {
          for (const [metric, value] of Object.entries(s.current)) this.set({ model, version: s.key.version, arm: s.key.arm, metric }, value);
        }
      }
    },
  });
  new Gauge({
    name: 'ratchet_monitor_feature_drift',
    help: 'Effect size of the last drift check per feature (KS D or Cramér\'s V by default)',
    labelNames: ['model', 'version', 'feature'],
    registers,
    collect() {
      this.reset();
      for (const model of monitor.models()) {
        for (const v of monitor.drift.ofModel(model)) {
          for (const f of v.last?.report.features ?? []) if (!f.skipped) this.set({ model, version: v.version, feature: f.feature }, f.effectSize);
        }
      }
    },
  });
  new Gauge({
    name: 'ratchet_monitor_alerts',
    help: 'Alerts in the monitor\'s history (the last 500 per model), by model and kind',
    labelNames: ['model', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const model of monitor.models()) {
        const byKind = new Map<string, number>();
        for (const a of monitor.alerts(model)) byKind.set(alertKindToJSON(a.kind), (byKind.get(alertKindToJSON(a.kind)) ?? 0) + 1);
        for (const [kind, n] of byKind) this.set({ model, kind }, n);
      }
    },
  });
  if (output) {
    registerDeliveryGauges(
      registry,
      {
        name: 'ratchet_monitor_output_records',
        help: 'Records the monitor published (labeled, metrics, alerts) by state: offered, queued, delivered, dropped',
      },
      output,
    );
  }
}
