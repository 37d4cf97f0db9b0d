import { type ArmComparison, type MetricsReport, WindowKind } from '@ratchet/contracts';
import { flipReportFromCorrectness } from '@ratchet/pareto';
import type { ServedPrediction } from '../join/served-prediction.js';
import type { JoinedRun, PairedRun } from '../join/stream-join.js';
import { compareProportions, minimumSampleSize } from './ab-analysis.js';
import { LabeledBuffer } from './labeled-buffer.js';
import { type MetricValues, quantileOfSorted, windowMetrics } from './window-metrics.js';

/** Which series a metric belongs to: one model version behind one route arm ('' = unrouted). */
export interface ArmKey {
  readonly model: string;
  readonly version: string;
  readonly arm: string;
}

/** One closed window of one series. */
export interface MetricsPoint {
  readonly kind: 'count' | 'time';
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
  readonly metrics: MetricValues;
}

export interface MetricsStoreOptions {
  /** Rows of the count-based window (the last N labelled rows). Default 1000. */
  readonly countWindow?: number;
  /** Length of the tumbling time window. Default 60 s. */
  readonly windowMs?: number;
  /** Rows sampled per time window for metrics that need every row (ROC-AUC...). Default 50 000. */
  readonly reservoirRows?: number;
  /** Points kept per series for the dashboard. Default 720. */
  readonly historyPoints?: number;
  /** A/B analysis: absolute accuracy change to detect, test level, power, interval confidence. */
  readonly ab?: { readonly minimumDetectableEffect?: number; readonly alpha?: number; readonly power?: number; readonly confidence?: number };
  /** Paired outputs kept per version pair for flip reports. Default 10 000. */
  readonly pairedWindow?: number;
  readonly now?: () => number;
}

const LATENCY_SAMPLES = 4096;

class Series {
  readonly count: LabeledBuffer;
  readonly time: LabeledBuffer;
  timeStart: number;
  timeLabeled = 0;
  timeCorrect = 0;
  timePredictions = 0;
  readonly latencies = new Float64Array(LATENCY_SAMPLES);
  latencyCount = 0;
  countCorrect: Uint8Array;
  countNext = 0;
  newSinceCountReport = 0;
  totalLabeled = 0;
  totalPredictions = 0;
  readonly history: MetricsPoint[] = [];
  lastCount: MetricsPoint | undefined;

  constructor(
    readonly key: ArmKey,
    o: Required<Pick<MetricsStoreOptions, 'countWindow' | 'reservoirRows'>>,
    now: number,
  ) {
    this.count = new LabeledBuffer(o.countWindow, 'ring');
    this.time = new LabeledBuffer(o.reservoirRows, 'reservoir', 0x9e3779b9);
    this.countCorrect = new Uint8Array(o.countWindow);
    this.timeStart = now;
  }
}

/** Paired correctness of two versions on the same rows (A = the served one). */
class PairSeries {
  readonly a: Uint8Array;
  readonly b: Uint8Array;
  private next = 0;
  size = 0;
  totalRegressions = 0;
  totalGains = 0;
  total = 0;

  constructor(
    readonly model: string,
    readonly versionA: string,
    readonly versionB: string,
    readonly capacity: number,
  ) {
    this.a = new Uint8Array(capacity);
    this.b = new Uint8Array(capacity);
  }

  add(rightA: boolean, rightB: boolean): void {
    this.a[this.next] = rightA ? 1 : 0;
    this.b[this.next] = rightB ? 1 : 0;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.total++;
    if (rightA && !rightB) this.totalRegressions++;
    else if (!rightA && rightB) this.totalGains++;
  }
}

/** A flip report of one version pair over the paired window, for the API and the dashboard. */
export interface PairSummary {
  readonly model: string;
  readonly versionA: string;
  readonly versionB: string;
  readonly n: number;
  readonly accuracyA: number;
  readonly accuracyB: number;
  readonly regressions: number;
  readonly gains: number;
  readonly nfr: number;
  readonly mcnemarPValue: number;
  readonly regressionUpperBound: number;
  readonly totalPaired: number;
}

const sep = '\u0000';
const keyOf = (k: ArmKey) => `${k.model}${sep}${k.version}${sep}${k.arm}`;

/**
 * Metrics per model, version and arm over a count-based window (the last N labelled rows) and
 * tumbling time windows; prediction and label rates and latency percentiles per time window;
 * flips between versions answering the same rows; A/B comparisons between arms.
 */
export class MetricsStore {
  private readonly series = new Map<string, Series>();
  private readonly pairs = new Map<string, PairSeries>();
  private readonly o: Required<Omit<MetricsStoreOptions, 'ab' | 'now'>> & {
    ab: { minimumDetectableEffect: number; alpha: number; power: number; confidence: number };
  };
  private readonly now: () => number;

  constructor(options: MetricsStoreOptions = {}) {
    this.o = {
      countWindow: options.countWindow ?? 1000,
      windowMs: options.windowMs ?? 60_000,
      reservoirRows: options.reservoirRows ?? 50_000,
      historyPoints: options.historyPoints ?? 720,
      pairedWindow: options.pairedWindow ?? 10_000,
      ab: { minimumDetectableEffect: 0.02, alpha: 0.05, power: 0.8, confidence: 0.95, ...options.ab },
    };
    this.now = options.now ?? Date.now;
  }

  private get(key: ArmKey): Series {
    const k = keyOf(key);
    let s = this.series.get(k);
    if (!s) {
      s = new Series({ model: key.model, version: key.version, arm: key.arm }, this.o, this.now());
      this.series.set(k, s);
    }
    return s;
  }

  /** Counts a served prediction record and its latency. */
  addPrediction(p: ServedPrediction): void {
    const s = this.get(p);
    s.timePredictions += p.rows;
    s.totalPredictions += p.rows;
    s.latencies[s.latencyCount % LATENCY_SAMPLES] = p.latencyMs;
    s.latencyCount++;
  }

  /** Adds labelled rows; returns per-row correctness (1 = right) for the concept-drift detectors. */
  addJoined(run: JoinedRun): Uint8Array {
    const served = run.served;
    const s = this.get(served);
    const n = run.labels.length;
    const correct = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const row = run.rowOffset + i;
      const y = run.labels[i] as number;
      const yhat = served.predicted[row] as number;
      const p = served.probability ? (served.probability[row] as number) : Number.NaN;
      const right = y === yhat ? 1 : 0;
      correct[i] = right;
      // Same ring discipline as the count buffer, so the two hold the same last N rows.
      s.countCorrect[s.countNext] = right;
      s.countNext = (s.countNext + 1) % s.countCorrect.length;
      s.count.add(y, yhat, p);
      s.time.add(y, yhat, p);
      s.timeCorrect += right;
    }
    s.timeLabeled += n;
    s.totalLabeled += n;
    s.newSinceCountReport += n;
    return correct;
  }

  /** Adds paired answers of two versions on the same labelled rows (flips). */
  addPaired(run: PairedRun): void {
    const k = `${run.served.model}${sep}${run.served.version}${sep}${run.other.version}`;
    let pair = this.pairs.get(k);
    if (!pair) {
      pair = new PairSeries(run.served.model, run.served.version, run.other.version, this.o.pairedWindow);
      this.pairs.set(k, pair);
    }
    for (let i = 0; i < run.labels.length; i++) {
      const row = run.rowOffset + i;
      const y = run.labels[i] as number;
      pair.add(run.served.predicted[row] === y, run.other.predicted[row] === y);
    }
  }

  /** Flip reports (pareto's) of every version pair of a model seen on the same rows. */
  pairSummaries(model: string): PairSummary[] {
    const out: PairSummary[] = [];
    for (const p of this.pairs.values()) {
      if (p.model !== model || p.size === 0) continue;
      const r = flipReportFromCorrectness(p.a.subarray(0, p.size), p.b.subarray(0, p.size));
      out.push({
        model,
        versionA: p.versionA,
        versionB: p.versionB,
        n: r.n,
        accuracyA: r.accuracyA,
        accuracyB: r.accuracyB,
        regressions: r.regressions,
        gains: r.gains,
        nfr: r.nfr,
        mcnemarPValue: r.mcnemar.pValue,
        regressionUpperBound: r.regressionUpperBound,
        totalPaired: p.total,
      });
    }
    return out;
  }

  /**
   * A/B analysis of a model's arms over their count windows: each arm against the baseline (the
   * arm with the most labelled rows; routed arms when there are any, else the versions served
   * directly). Accuracy difference with a Wald interval, pooled two-proportion z-test, the rows
   * per arm needed for the configured minimum detectable effect, and McNemar's test on the rows
   * both versions answered when a shadow or pareto policy produced pairs.
   */
  comparisons(model: string): ArmComparison[] {
    const all = [...this.series.values()].filter((s) => s.key.model === model && s.count.size > 0);
    const routed = all.filter((s) => s.key.arm !== '');
    const arms = routed.length > 0 ? routed : all;
    if (arms.length < 2) return [];
    arms.sort((a, b) => b.count.size - a.count.size || keyOf(a.key).localeCompare(keyOf(b.key)));
    const base = arms[0] as Series;
    const correctOf = (s: Series) => {
      let c = 0;
      for (let i = 0; i < s.count.size; i++) c += s.countCorrect[i] as number;
      return c;
    };
    const baseCorrect = correctOf(base);
    const { minimumDetectableEffect: mde, alpha, power, confidence } = this.o.ab;
    const needed = minimumSampleSize(baseCorrect / base.count.size, mde, { alpha, power });
    const pairs = this.pairSummaries(model);
    return arms.slice(1).map((s) => {
      const c = compareProportions({ successes: baseCorrect, trials: base.count.size }, { successes: correctOf(s), trials: s.count.size }, confidence);
      const pair = pairs.find((p) => p.versionA === base.key.version && p.versionB === s.key.version) ??
        pairs.find((p) => p.versionA === s.key.version && p.versionB === base.key.version);
      const baseIsA = pair?.versionA === base.key.version;
      return {
        baselineArm: base.key.arm,
        baselineVersion: base.key.version,
        arm: s.key.arm,
        version: s.key.version,
        metric: 'accuracy',
        baselineValue: c.baseline,
        value: c.value,
        difference: c.difference,
        ciLow: c.ciLow,
        ciHigh: c.ciHigh,
        confidence: c.confidence,
        z: c.z,
        pValue: c.pValue,
        baselineCount: base.count.size,
        count: s.count.size,
        minimumSampleSize: needed,
        minimumDetectableEffect: mde,
        sufficient: base.count.size >= needed && s.count.size >= needed,
        pairedCount: pair?.n ?? 0,
        // Regressions are rows the baseline got right and this arm got wrong.
        regressions: pair ? (baseIsA ? pair.regressions : pair.gains) : 0,
        gains: pair ? (baseIsA ? pair.gains : pair.regressions) : 0,
        mcnemarPValue: pair?.mcnemarPValue ?? Number.NaN,
      };
    });
  }

  /**
   * Closes the time windows that are due and reports every series whose count window received
   * rows since its last report. Returns the reports to publish (history is kept for the API).
   */
  report(monitorId: string): MetricsReport[] {
    const now = this.now();
    const out: MetricsReport[] = [];
    const comparisonsByModel = new Map<string, ArmComparison[]>();
    const comparisonsFor = (model: string) => {
      let c = comparisonsByModel.get(model);
      if (!c) comparisonsByModel.set(model, (c = this.comparisons(model)));
      return c;
    };
    const relevant = (model: string, k: ArmKey) => comparisonsFor(model).filter((c) => (c.arm === k.arm && c.version === k.version) || (c.baselineArm === k.arm && c.baselineVersion === k.version));
    for (const s of this.series.values()) {
      if (now - s.timeStart >= this.o.windowMs) {
        const seconds = (now - s.timeStart) / 1000;
        const metrics: MetricValues = s.time.size > 0 ? windowMetrics(s.time) : {};
        if (s.timeLabeled > 0) metrics['accuracy'] = s.timeCorrect / s.timeLabeled;
        metrics['prediction_rate'] = s.timePredictions / seconds;
        metrics['label_rate'] = s.timeLabeled / seconds;
        Object.assign(metrics, this.latencyPercentiles(s));
        const point: MetricsPoint = { kind: 'time', startMs: s.timeStart, endMs: now, count: s.timeLabeled, metrics };
        this.push(s, point);
        out.push(this.toReport(s.key, point, WindowKind.WINDOW_KIND_TIME, relevant(s.key.model, s.key), monitorId));
        s.time.clear();
        s.timeStart = now;
        s.timeLabeled = 0;
        s.timeCorrect = 0;
        s.timePredictions = 0;
        s.latencyCount = 0;
      }
      if (s.newSinceCountReport > 0) {
        const point: MetricsPoint = { kind: 'count', startMs: now, endMs: now, count: s.count.size, metrics: windowMetrics(s.count) };
        s.lastCount = point;
        s.newSinceCountReport = 0;
        out.push(this.toReport(s.key, point, WindowKind.WINDOW_KIND_COUNT, relevant(s.key.model, s.key), monitorId));
      }
    }
    return out;
  }

  /** The count-window metrics of a series right now (no report is produced). */
  current(key: ArmKey): { count: number; metrics: MetricValues } | undefined {
    const s = this.series.get(keyOf(key));
    if (!s) return undefined;
    return { count: s.count.size, metrics: windowMetrics(s.count) };
  }

  /** Every series of a model with its totals, latest count window and time-window history. */
  seriesOf(model: string): { key: ArmKey; totalLabeled: number; totalPredictions: number; current: MetricValues; currentCount: number; history: readonly MetricsPoint[] }[] {
    return [...this.series.values()]
      .filter((s) => s.key.model === model)
      .map((s) => ({
        key: s.key,
        totalLabeled: s.totalLabeled,
        totalPredictions: s.totalPredictions,
        current: windowMetrics(s.count),
        currentCount: s.count.size,
        history: s.history,
      }));
  }

  /** Models with at least one series. */
  models(): string[] {
    return [...new Set([...this.series.values()].map((s) => s.key.model))].sort();
  }

  private latencyPercentiles(s: Series): MetricValues {
    const n = Math.min(s.latencyCount, LATENCY_SAMPLES);
    if (n === 0) return {};
    const sorted = s.latencies.slice(0, n).sort();
    return {
      latency_p50_ms: quantileOfSorted(sorted, 0.5),
      latency_p95_ms: quantileOfSorted(sorted, 0.95),
      latency_p99_ms: quantileOfSorted(sorted, 0.99),
    };
  }

  private push(s: Series, point: MetricsPoint): void {
    s.history.push(point);
    if (s.history.length > this.o.historyPoints) s.history.splice(0, s.history.length - this.o.historyPoints);
  }

  private toReport(key: ArmKey, point: MetricsPoint, kind: WindowKind, comparisons: ArmComparison[], monitorId: string): MetricsReport {
    return {
      model: key.model,
      version: key.version,
      arm: key.arm,
      windowKind: kind,
      windowStartMs: point.startMs,
      windowEndMs: point.endMs,
      count: point.count,
      metrics: point.metrics,
      comparisons,
      monitorId,
    };
  }
}
