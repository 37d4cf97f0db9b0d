import { randomUUID } from 'node:crypto';
import { SpanKind, type Tracer, context, trace } from '@opentelemetry/api';
import {
  type Alert,
  AlertKind,
  AlertSeverity,
  type LabelObserved,
  type LabeledExample,
  type MetricsReport,
  type PredictionLogged,
  Topics,
} from '@ratchet/contracts';
import { Adwin, DEFAULT_DRIFT_THRESHOLDS, Ddm, Eddm, PageHinkley, type StreamDetector } from '@ratchet/drift';
import { type Logger, silentLogger } from '@ratchet/service-kit';
import { AlertConfig, type ModelAlertConfig } from './alerts/alert-config.js';
import { AlertEngine } from './alerts/alert-engine.js';
import { type DriftCheckResult, DriftTracker, type DriftTrackerOptions, type ProfileSource } from './drift/drift-tracker.js';
import { InvalidRecordError } from './errors.js';
import { type ServedPrediction, servedPrediction } from './join/served-prediction.js';
import { type JoinedRun, OffsetTracker, StreamJoin, type StreamJoinOptions } from './join/stream-join.js';
import { sliceTensorRows } from './join/tensor-rows.js';
import { type ArmKey, MetricsStore, type MetricsStoreOptions } from './metrics/metrics-store.js';
import { MonitorSpanNames, contextOf, failSpan, runInSpan, startAlertSpan, startRecordSpan, traceOf } from './monitor-tracing.js';

/** Where the monitor's results go. Calls must return at once (offer to a buffered publisher). */
export interface MonitorOutputs {
  labeled(example: LabeledExample): void;
  metrics(report: MetricsReport): void;
  alert(alert: Alert): void;
}

/** Position of a consumed record, for redelivery detection. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface MonitorOptions {
  readonly monitorId?: string;
  readonly join?: Omit<StreamJoinOptions, 'now'>;
  readonly metrics?: Omit<MetricsStoreOptions, 'now'>;
  readonly drift?: Omit<DriftTrackerOptions, 'now'>;
  readonly alerts?: AlertConfig;
  /** Alerts kept per model for the API. Default 500. */
  readonly alertHistory?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Tracer of the monitor's spans (ingest, join, alert). Default: the global tracer `ratchet.monitor`. */
  readonly tracer?: Tracer;
}

const DETECTORS: Record<ModelAlertConfig['conceptDrift']['detector'], () => StreamDetector> = {
  ddm: () => new Ddm(),
  eddm: () => new Eddm(),
  adwin: () => new Adwin(),
  'page-hinkley': () => new PageHinkley({ direction: 'up' }),
};

const EFFECT_THRESHOLD: Record<string, number> = {
  ks: DEFAULT_DRIFT_THRESHOLDS.ks,
  psi: DEFAULT_DRIFT_THRESHOLDS.psi,
  wasserstein: DEFAULT_DRIFT_THRESHOLDS.wasserstein,
  'jensen-shannon': DEFAULT_DRIFT_THRESHOLDS.jensenShannon,
  'cramers-v': DEFAULT_DRIFT_THRESHOLDS.cramersV,
};

/** Records the monitor refused, by reason; they went to the DLQ. */
export interface MonitorCounters {
  invalidPredictions: number;
  invalidLabels: number;
  /** Prediction records with no outputs (a request that failed at the router): nothing to join. */
  predictionsWithoutOutputs: number;
  redeliveredRecords: number;
  alertsRaised: number;
  labeledPublished: number;
  reportsPublished: number;
}

/**
 * The monitor's core, free of I/O: joins prediction and label records (any order, bounded
 * state, idempotent), keeps windowed metrics per model/version/arm with flips and A/B analysis,
 * checks data drift against each version's reference profile, runs a concept-drift detector on
 * the joined error stream, and turns all of it into alerts with hysteresis and cool-downs.
 * Results leave through {@link MonitorOutputs}; `tick()` closes windows and expires state.
 */
export class Monitor {
  readonly monitorId: string;
  readonly join: StreamJoin;
  readonly metrics: MetricsStore;
  readonly drift: DriftTracker;
  readonly alertConfig: AlertConfig;
  readonly counters: MonitorCounters = { invalidPredictions: 0, invalidLabels: 0, predictionsWithoutOutputs: 0, redeliveredRecords: 0, alertsRaised: 0, labeledPublished: 0, reportsPublished: 0 };
  private readonly offsets = new OffsetTracker();
  private readonly engine: AlertEngine;
  private readonly detectors = new Map<string, StreamDetector>();
  private readonly newRows = new Map<string, number>();
  private readonly scheduleStart = new Map<string, number>();
  private readonly alertsByModel = new Map<string, Alert[]>();
  private readonly deployed = new Map<string, Map<string, number>>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly alertHistory: number;
  private readonly tracer: Tracer;

  constructor(
    private readonly outputs: MonitorOutputs,
    profiles: ProfileSource,
    options: MonitorOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.monitorId = options.monitorId ?? `monitor-${randomUUID().slice(0, 8)}`;
    this.logger = options.logger ?? silentLogger;
    this.alertConfig = options.alerts ?? new AlertConfig();
    this.alertHistory = options.alertHistory ?? 500;
    this.tracer = options.tracer ?? trace.getTracer('ratchet.monitor');
    this.engine = new AlertEngine(this.now);
    this.join = new StreamJoin(
      { joined: (run) => this.onJoined(run), paired: (run) => this.metrics.addPaired(run) },
      { ...options.join, now: this.now },
    );
    this.metrics = new MetricsStore({ ...options.metrics, now: this.now });
    this.drift = new DriftTracker(profiles, { ...options.drift, now: this.now }, (model, version, error) =>
      this.logger.warn('cannot load the drift profile', { model, version, error }),
    );
  }

  /**
   * Handles one `ratchet.predictions.v1` record. Throws {@link InvalidRecordError} for the DLQ.
   * Traced as a `monitor.ingest` span under the active context (the record's trace, as the bus
   * delivers it), unless that trace is unsampled.
   */
  onPrediction(record: PredictionLogged, position?: RecordPosition): void {
    if (position && this.redelivered(position)) return;
    if (record.requestId && record.model && record.outputs.length === 0) {
      this.counters.predictionsWithoutOutputs++;
      if (position) this.done(position);
      return;
    }
    const parent = context.active();
    const span = startRecordSpan(
      this.tracer,
      MonitorSpanNames.ingest,
      SpanKind.CONSUMER,
      { 'ratchet.model': record.model, 'ratchet.version': record.version, 'ratchet.request_id': record.requestId, 'ratchet.rows': record.rows, 'ratchet.routed': record.route !== undefined },
      parent,
    );
    try {
      let p: ServedPrediction;
      try {
        p = servedPrediction(record, span?.spanContext() ?? traceOf(parent));
      } catch (err) {
        if (err instanceof InvalidRecordError) this.counters.invalidPredictions++;
        throw err;
      }
      this.noteDeployed(p);
      this.metrics.addPrediction(p);
      this.join.addPrediction(p);
      const checked = this.drift.addPrediction(p);
      // A drift check this record completed raises its alerts in this record's trace.
      if (checked) runInSpan(span, undefined, () => this.onDriftChecked(checked));
      if (position) this.done(position);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span?.end();
    }
  }

  /** Handles one `ratchet.feedback.v1` record. Throws {@link InvalidRecordError} for the DLQ. */
  onLabel(record: LabelObserved, position?: RecordPosition): void {
    if (position && this.redelivered(position)) return;
    const topic = Topics.feedback.name;
    const invalid = (message: string) => {
      this.counters.invalidLabels++;
      return new InvalidRecordError(topic, message, record.requestId || undefined);
    };
    if (!record.requestId) throw invalid('empty request_id');
    if (record.labels.length === 0) throw invalid('no labels');
    const labels = Float64Array.from(record.labels);
    for (let i = 0; i < labels.length; i++) if (!Number.isFinite(labels[i])) throw invalid(`label ${i} is ${labels[i]}`);
    this.join.addLabels(record.requestId, {
      rowOffset: record.rowOffset,
      labels,
      timestampMs: record.timestampMs || this.now(),
      source: record.source,
      spanContext: traceOf(context.active()),
    });
    if (position) this.done(position);
  }

  /**
   * Periodic work: joins rows that waited for a route record, expires join state (logging
   * what expired), closes metric windows and publishes their reports, evaluates performance
   * alerts, checks aged drift windows and raises schedule alerts.
   */
  tick(): void {
    const expiry = this.join.tick();
    if (expiry.expired > 0) {
      const c = this.join.counters;
      this.logger.info('join state expired', {
        entries: expiry.expired,
        examples: expiry.sampleRequestIds,
        expiredPredictionRows: c.expiredPredictionRows,
        orphanLabelRows: c.orphanLabelRows,
        lateLabelRows: c.lateLabelRows,
      });
    }
    for (const report of this.metrics.report(this.monitorId)) {
      this.outputs.metrics(report);
      this.counters.reportsPublished++;
    }
    for (const model of this.metrics.models()) this.evaluatePerformance(model);
    for (const result of this.drift.checkAged()) this.onDriftChecked(result);
    this.evaluateSchedules();
  }

  /** Runs a drift check on every version's current window (API "check now"). */
  checkDriftNow(): DriftCheckResult[] {
    const results = this.drift.checkAll();
    for (const r of results) this.onDriftChecked(r);
    return results;
  }

  /** Alerts raised for a model, oldest first. */
  alerts(model: string): readonly Alert[] {
    return this.alertsByModel.get(model) ?? [];
  }

  /** Versions of a model seen in prediction records, with the time each was last seen. */
  deployedVersions(model: string): { version: string; lastSeenMs: number }[] {
    return [...(this.deployed.get(model)?.entries() ?? [])].map(([version, lastSeenMs]) => ({ version, lastSeenMs }));
  }

  /** Models seen in predictions or with alerts. */
  models(): string[] {
    return [...new Set([...this.deployed.keys(), ...this.alertsByModel.keys()])].sort();
  }

  private redelivered(position: RecordPosition): boolean {
    if (!this.offsets.seen(position.topic, position.partition, position.offset)) return false;
    this.counters.redeliveredRecords++;
    return true;
  }

  private done(position: RecordPosition): void {
    this.offsets.done(position.topic, position.partition, position.offset);
  }

  private noteDeployed(p: ServedPrediction): void {
    let versions = this.deployed.get(p.model);
    if (!versions) this.deployed.set(p.model, (versions = new Map()));
    versions.set(p.version, p.timestampMs || this.now());
    if (!this.scheduleStart.has(p.model)) this.scheduleStart.set(p.model, this.now());
  }

  /**
   * Traced as a `monitor.join` span in the prediction's trace (under its ingest span), linked to
   * the label record's span; the labeled example and any alert it trips carry that trace.
   */
  private onJoined(run: JoinedRun): void {
    const s = run.served;
    const span = startRecordSpan(
      this.tracer,
      MonitorSpanNames.join,
      SpanKind.INTERNAL,
      { 'ratchet.model': s.model, 'ratchet.version': s.version, 'ratchet.request_id': run.requestId, 'ratchet.rows': run.labels.length, 'ratchet.arm': s.arm },
      contextOf(s.spanContext),
      run.spanContext === undefined ? undefined : [{ context: run.spanContext }],
    );
    try {
      runInSpan(span, s.spanContext, () => this.joined(run));
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span?.end();
    }
  }

  private joined(run: JoinedRun): void {
    const s = run.served;
    const n = run.labels.length;
    this.outputs.labeled({
      requestId: run.requestId,
      model: s.model,
      version: s.version,
      arm: s.arm,
      rowOffset: run.rowOffset,
      rows: n,
      inputs: s.inputs.map((t) => sliceTensorRows(t, s.rows, run.rowOffset, n)),
      labels: Array.from(run.labels),
      predictedLabels: Array.from(s.predicted.subarray(run.rowOffset, run.rowOffset + n)),
      probabilities: s.probability ? Array.from(s.probability.subarray(run.rowOffset, run.rowOffset + n)) : [],
      predictedAtMs: s.timestampMs,
      labeledAtMs: run.timestampMs,
      labelSource: run.source,
      traceId: s.traceId,
    });
    this.counters.labeledPublished++;
    const correct = this.metrics.addJoined(run);
    this.drift.addLabels(s.model, s.version, run.labels);
    const config = this.alertConfig.forModel(s.model);
    if (config.conceptDrift.enabled) {
      const key = `${s.model}\u0000${s.version}\u0000${s.arm}`;
      let detector = this.detectors.get(key);
      if (!detector) this.detectors.set(key, (detector = DETECTORS[config.conceptDrift.detector]()));
      for (let i = 0; i < n; i++) {
        if (detector.update(1 - (correct[i] as number)) === 'drift' && this.engine.event(`concept${key}`, config.cooldownMs)) {
          const errorRate = this.metrics.current(s);
          this.raise(s, AlertKind.ALERT_KIND_CONCEPT_DRIFT, AlertSeverity.ALERT_SEVERITY_WARNING, {
            statistic: 'error_rate',
            value: errorRate?.metrics['accuracy'] === undefined ? Number.NaN : 1 - errorRate.metrics['accuracy'],
            sampleSize: errorRate?.count ?? 0,
            detector: detector.name,
          }, `${s.model}@${s.version}${s.arm ? ` (arm ${s.arm})` : ''}: ${detector.name} detected a change in the error rate`);
        }
      }
    }
    if (config.newData.enabled) {
      const rows = (this.newRows.get(s.model) ?? 0) + n;
      if (rows >= config.newData.rows) {
        this.newRows.set(s.model, 0);
        this.raise(s, AlertKind.ALERT_KIND_NEW_DATA, AlertSeverity.ALERT_SEVERITY_INFO, { statistic: 'labeled_rows', value: rows, threshold: config.newData.rows, sampleSize: rows },
          `${s.model}: ${rows} new labelled rows since the last trigger`, true);
      } else this.newRows.set(s.model, rows);
    }
  }

  private evaluatePerformance(model: string): void {
    const config = this.alertConfig.forModel(model).performance;
    if (!config.enabled) return;
    const cooldownMs = this.alertConfig.forModel(model).cooldownMs;
    for (const series of this.metrics.seriesOf(model)) {
      if (series.currentCount < config.minSamples) continue;
      const value = series.current[config.metric];
      if (value === undefined) continue;
      const below = config.min != null;
      const threshold = (below ? config.min : config.max) as number;
      const bad = below ? value < threshold : value > threshold;
      const clear = below ? value >= threshold + config.hysteresis : value <= threshold - config.hysteresis;
      const k = series.key;
      if (!this.engine.level(`perf\u0000${k.model}\u0000${k.version}\u0000${k.arm}`, { bad, clear, cooldownMs })) continue;
      const critical = below ? value < threshold - config.criticalMargin : value > threshold + config.criticalMargin;
      this.raise(k, AlertKind.ALERT_KIND_PERFORMANCE, critical ? AlertSeverity.ALERT_SEVERITY_CRITICAL : AlertSeverity.ALERT_SEVERITY_WARNING, {
        statistic: config.metric,
        value,
        threshold,
        sampleSize: series.currentCount,
        features: [config.metric],
      }, `${k.model}@${k.version}${k.arm ? ` (arm ${k.arm})` : ''}: ${config.metric} ${value.toFixed(4)} ${below ? 'below' : 'above'} ${threshold} over the last ${series.currentCount} labelled rows`, true);
    }
  }

  private onDriftChecked(r: DriftCheckResult): void {
    const config = this.alertConfig.forModel(r.model);
    const key = { model: r.model, version: r.version, arm: '' };
    const window = { windowStartMs: r.windowStartMs, windowEndMs: r.checkedAtMs };
    if (config.dataDrift.enabled) {
      const drifted = r.report.features.filter((f) => f.drifted);
      const tested = r.report.features.filter((f) => !f.skipped).length;
      const bad = drifted.length >= config.dataDrift.minDriftedFeatures;
      if (this.engine.level(`drift\u0000${r.model}\u0000${r.version}`, { bad, clear: drifted.length === 0, cooldownMs: config.cooldownMs })) {
        const worst = drifted.reduce((a, b) => (b.effectSize > a.effectSize ? b : a));
        const critical = drifted.length >= 2 * config.dataDrift.minDriftedFeatures || drifted.length * 2 >= tested;
        this.raise(key, AlertKind.ALERT_KIND_DATA_DRIFT, critical ? AlertSeverity.ALERT_SEVERITY_CRITICAL : AlertSeverity.ALERT_SEVERITY_WARNING, {
          statistic: `${worst.test}:${worst.effectMetric}`,
          value: worst.statistic,
          threshold: EFFECT_THRESHOLD[worst.effectMetric] ?? Number.NaN,
          pValue: worst.adjustedPValue,
          effectSize: worst.effectSize,
          sampleSize: r.report.windowSize,
          features: drifted.map((f) => f.feature),
          ...window,
        }, `${r.model}@${r.version}: ${drifted.length} of ${tested} features drifted (${drifted.map((f) => f.feature).join(', ')}); largest ${worst.effectMetric} ${worst.effectSize.toFixed(3)} on ${worst.feature}`, true);
      }
    }
    const shift = r.report.labelShift;
    if (config.priorShift.enabled && shift) {
      if (this.engine.level(`prior\u0000${r.model}\u0000${r.version}`, { bad: shift.shifted, clear: !shift.shifted, cooldownMs: config.cooldownMs })) {
        this.raise(key, AlertKind.ALERT_KIND_PRIOR_SHIFT, AlertSeverity.ALERT_SEVERITY_WARNING, {
          statistic: 'chi-square',
          value: shift.statistic,
          threshold: DEFAULT_DRIFT_THRESHOLDS.cramersV,
          pValue: shift.pValue,
          effectSize: shift.cramersV,
          sampleSize: shift.sampleSize,
          ...window,
        }, `${r.model}@${r.version}: label distribution moved (total variation ${shift.totalVariation.toFixed(3)}, Cramér's V ${shift.cramersV.toFixed(3)})`, true);
      }
    }
  }

  private evaluateSchedules(): void {
    const now = this.now();
    for (const [model, start] of this.scheduleStart) {
      const config = this.alertConfig.forModel(model).schedule;
      if (!config.enabled || now - start < config.everyMs) continue;
      this.scheduleStart.set(model, now);
      const latest = this.deployedVersions(model).sort((a, b) => b.lastSeenMs - a.lastSeenMs)[0];
      this.raise({ model, version: latest?.version ?? '', arm: '' }, AlertKind.ALERT_KIND_SCHEDULE, AlertSeverity.ALERT_SEVERITY_INFO,
        { statistic: 'elapsed_ms', value: now - start, threshold: config.everyMs }, `${model}: scheduled retraining is due`, true);
    }
  }

  private raise(
    key: ArmKey,
    kind: AlertKind,
    severity: AlertSeverity,
    evidence: { statistic: string; value: number; threshold?: number; pValue?: number; effectSize?: number; sampleSize?: number; features?: string[]; detector?: string; windowStartMs?: number; windowEndMs?: number },
    message: string,
    retrain = false,
  ): void {
    const now = this.now();
    const alert: Alert = {
      id: randomUUID(),
      model: key.model,
      version: key.version,
      arm: key.arm,
      kind,
      severity,
      evidence: {
        statistic: evidence.statistic,
        value: evidence.value,
        threshold: evidence.threshold ?? Number.NaN,
        pValue: evidence.pValue ?? Number.NaN,
        effectSize: evidence.effectSize ?? Number.NaN,
        windowStartMs: evidence.windowStartMs ?? 0,
        windowEndMs: evidence.windowEndMs ?? now,
        sampleSize: evidence.sampleSize ?? 0,
        features: evidence.features ?? [],
        detector: evidence.detector ?? '',
      },
      raisedAtMs: now,
      message,
      monitorId: this.monitorId,
      retrain,
    };
    let list = this.alertsByModel.get(key.model);
    if (!list) this.alertsByModel.set(key.model, (list = []));
    list.push(alert);
    if (list.length > this.alertHistory) list.splice(0, list.length - this.alertHistory);
    this.counters.alertsRaised++;
    this.logger.warn('alert raised', { alertId: alert.id, model: key.model, version: key.version, arm: key.arm, kind: AlertKind[kind], severity: AlertSeverity[severity], message });
    const span = startAlertSpan(this.tracer, {
      'ratchet.model': key.model,
      'ratchet.version': key.version,
      'ratchet.alert_id': alert.id,
      'ratchet.alert_kind': (AlertKind[kind] ?? String(kind)).replace(/^ALERT_KIND_/, '').toLowerCase(),
      'ratchet.retrain': retrain,
      'ratchet.arm': key.arm,
    });
    try {
      runInSpan(span, undefined, () => this.outputs.alert(alert));
    } finally {
      span.end();
    }
  }
}
