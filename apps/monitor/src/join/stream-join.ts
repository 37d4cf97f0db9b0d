import type { SpanContext } from '@opentelemetry/api';
import type { ServedPrediction } from './served-prediction.js';

/** Ground truth for the contiguous rows [rowOffset, rowOffset + labels.length) of a request. */
export interface LabelRun {
  readonly rowOffset: number;
  readonly labels: Float64Array;
  readonly timestampMs: number;
  readonly source: string;
  /** The label record's span context, linked from the join span. */
  readonly spanContext?: SpanContext | undefined;
}

/** Labelled rows joined with the answer the client got. */
export interface JoinedRun extends LabelRun {
  readonly requestId: string;
  readonly served: ServedPrediction;
}

/** The same labelled rows answered by another version of the model (shadow, pareto member). */
export interface PairedRun extends LabelRun {
  readonly served: ServedPrediction;
  readonly other: ServedPrediction;
}

/** Where the join hands its results; called synchronously from `add*` and `tick`. */
export interface JoinSink {
  joined(run: JoinedRun): void;
  paired(run: PairedRun): void;
}

/** Everything the join saw, counted; nothing leaves the state without landing in one of these. */
export interface JoinCounters {
  predictionRecords: number;
  labelRows: number;
  joinedRows: number;
  duplicatePredictionRecords: number;
  duplicateLabelRows: number;
  /** Predicted rows that never received a label before their entry expired. */
  expiredPredictionRows: number;
  /** Labelled rows whose request was never seen before their entry expired. */
  orphanLabelRows: number;
  /** Labels for a request whose entry had already expired. */
  lateLabelRows: number;
  /** Labels for rows the request does not have. */
  invalidLabelRows: number;
  /** Entries dropped early because the state was full (also counted as expired/orphan). */
  evictedEntries: number;
  /** Route records that arrived after their rows had been joined with a member record. */
  lateRouteRecords: number;
}

export interface StreamJoinOptions {
  /** How long an entry waits for its other half, from its first record. Default 10 min. */
  readonly ttlMs?: number;
  /** Most open entries; the oldest is evicted beyond this. Default 100 000. */
  readonly maxEntries?: number;
  /**
   * How long labelled rows that only have member records wait for a route record before being
   * joined with the member's answer. 0 (default) joins at once — right when no router is used;
   * set it when one is, so arms come from the route record even for labels that beat it.
   */
  readonly routeWaitMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly requestId: string;
  readonly createdAt: number;
  route: ServedPrediction | undefined;
  readonly members: ServedPrediction[];
  firstMemberAt: number;
  readonly runs: LabelRun[];
  /** runs[i] is joined (or rejected) iff i < joinedRuns. */
  joinedRuns: number;
  readonly labeledRows: Set<number>;
  servedWith: ServedPrediction | undefined;
  readonly pairedKeys: Set<string>;
}

/** Request ids whose entries expired, so that their labels count as late rather than orphan. */
class Tombstones {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}
  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }
  has(id: string): boolean {
    return this.ids.has(id);
  }
}

/** Request ids that expired or were evicted in one `tick`, for one log line. */
export interface ExpiryReport {
  readonly expired: number;
  readonly sampleRequestIds: readonly string[];
}

/**
 * Joins prediction records with label records by request id, in any order, with bounded state.
 * An entry holds a request's route record (the router's, when routed), its member records (one
 * per version a prediction server ran) and its label runs. Labelled rows are joined with the
 * route record when there is one, else with the first member record; each other version's
 * member record is paired with the same rows for flips. Duplicate records (same request and
 * role/version) and duplicate label rows are ignored and counted. Entries live `ttlMs` from
 * their first record or until `maxEntries` pushes them out; leftovers are counted as expired
 * predictions or orphan labels.
 */
export class StreamJoin {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting = new Set<Entry>();
  private readonly tombstones: Tombstones;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly routeWaitMs: number;
  private readonly now: () => number;
  readonly counters: JoinCounters = {
    predictionRecords: 0,
    labelRows: 0,
    joinedRows: 0,
    duplicatePredictionRecords: 0,
    duplicateLabelRows: 0,
    expiredPredictionRows: 0,
    orphanLabelRows: 0,
    lateLabelRows: 0,
    invalidLabelRows: 0,
    evictedEntries: 0,
    lateRouteRecords: 0,
  };

  constructor(
    private readonly sink: JoinSink,
    { ttlMs = 600_000, maxEntries = 100_000, routeWaitMs = 0, now = Date.now }: StreamJoinOptions = {},
  ) {
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${ttlMs}`);
    if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be ≥ 1, got ${maxEntries}`);
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.routeWaitMs = routeWaitMs;
    this.now = now;
    this.tombstones = new Tombstones(maxEntries);
  }

  /** Open entries. */
  get size(): number {
    return this.entries.size;
  }

  /** Adds a validated prediction record (route or member). */
  addPrediction(p: ServedPrediction): void {
    const entry = this.entry(p.requestId);
    if (p.routed) {
      if (entry.route) {
        this.counters.duplicatePredictionRecords++;
        return;
      }
      entry.route = p;
      if (entry.servedWith && !entry.servedWith.routed) this.counters.lateRouteRecords++;
    } else {
      if (entry.members.some((m) => m.version === p.version && m.model === p.model)) {
        this.counters.duplicatePredictionRecords++;
        return;
      }
      if (entry.members.length === 0) entry.firstMemberAt = this.now();
      entry.members.push(p);
    }
    this.counters.predictionRecords++;
    this.settle(entry);
  }

  /** Adds the labels of rows [rowOffset, rowOffset + labels.length) of a request. */
  addLabels(requestId: string, run: LabelRun): void {
    const n = run.labels.length;
    if (!this.entries.has(requestId) && this.tombstones.has(requestId)) {
      this.counters.lateLabelRows += n;
      return;
    }
    const entry = this.entry(requestId);
    // Keep only rows not labelled before, split into contiguous runs.
    let start = -1;
    for (let i = 0; i <= n; i++) {
      const fresh = i < n && !entry.labeledRows.has(run.rowOffset + i);
      if (i < n && !fresh) this.counters.duplicateLabelRows++;
      if (fresh && start < 0) start = i;
      if (!fresh && start >= 0) {
        for (let k = start; k < i; k++) entry.labeledRows.add(run.rowOffset + k);
        entry.runs.push(start === 0 && i === n ? run : { ...run, rowOffset: run.rowOffset + start, labels: run.labels.subarray(start, i) });
        this.counters.labelRows += i - start;
        start = -1;
      }
    }
    this.settle(entry);
  }

  /** Joins rows that waited for a route record, then expires entries past their TTL. */
  tick(): ExpiryReport {
    for (const entry of [...this.waiting]) this.settle(entry);
    const now = this.now();
    const sample: string[] = [];
    let expired = 0;
    for (const entry of this.entries.values()) {
      if (now - entry.createdAt < this.ttlMs) break;
      this.remove(entry);
      expired++;
      if (sample.length < 5) sample.push(entry.requestId);
    }
    return { expired, sampleRequestIds: sample };
  }

  private entry(requestId: string): Entry {
    let entry = this.entries.get(requestId);
    if (entry) return entry;
    entry = {
      requestId,
      createdAt: this.now(),
      route: undefined,
      members: [],
      firstMemberAt: 0,
      runs: [],
      joinedRuns: 0,
      labeledRows: new Set(),
      servedWith: undefined,
      pairedKeys: new Set(),
    };
    this.entries.set(requestId, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.values().next().value;
      if (oldest) {
        this.counters.evictedEntries++;
        this.remove(oldest);
      }
    }
    return entry;
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.requestId);
    this.waiting.delete(entry);
    this.tombstones.add(entry.requestId);
    const prediction = entry.route ?? entry.members[0];
    if (!prediction) {
      this.counters.orphanLabelRows += entry.labeledRows.size;
      return;
    }
    // Rows joined or rejected are accounted for; the remaining labelled runs were never joined.
    let pendingLabelRows = 0;
    for (let i = entry.joinedRuns; i < entry.runs.length; i++) pendingLabelRows += (entry.runs[i] as LabelRun).labels.length;
    this.counters.orphanLabelRows += pendingLabelRows;
    this.counters.expiredPredictionRows += Math.max(0, prediction.rows - (entry.labeledRows.size - pendingLabelRows));
  }

  private settle(entry: Entry): void {
    let served = entry.servedWith ?? entry.route;
    if (!served && entry.members.length > 0 && entry.runs.length > entry.joinedRuns) {
      if (this.routeWaitMs <= 0 || this.now() - entry.firstMemberAt >= this.routeWaitMs) served = entry.members[0];
      else {
        this.waiting.add(entry);
        return;
      }
    }
    this.waiting.delete(entry);
    if (!served) return;
    if (entry.runs.length > entry.joinedRuns) entry.servedWith = served;
    for (; entry.joinedRuns < entry.runs.length; entry.joinedRuns++) {
      const run = entry.runs[entry.joinedRuns] as LabelRun;
      if (run.rowOffset + run.labels.length > served.rows) {
        this.counters.invalidLabelRows += run.labels.length;
        continue;
      }
      this.counters.joinedRows += run.labels.length;
      this.sink.joined({ ...run, requestId: entry.requestId, served });
    }
    if (!entry.servedWith) return;
    const base = entry.servedWith;
    for (const m of entry.members) {
      if (m.version === base.version || m.model !== base.model) continue;
      for (let i = 0; i < entry.joinedRuns; i++) {
        const run = entry.runs[i] as LabelRun;
        const key = `${i}\u0000${m.version}`;
        if (entry.pairedKeys.has(key) || run.rowOffset + run.labels.length > Math.min(base.rows, m.rows)) continue;
        entry.pairedKeys.add(key);
        this.sink.paired({ ...run, served: base, other: m });
      }
    }
  }
}

/**
 * Drops redelivered records by position: within a partition the bus hands records over in
 * offset order, so a record at or below the highest offset already handled is a redelivery
 * (after a rebalance or a retry of a batch). Call {@link done} only once a record was handled.
 */
export class OffsetTracker {
  private readonly highest = new Map<string, number>();
  redeliveries = 0;

  /** True (and counted) when this position was handled before. */
  seen(topic: string, partition: number, offset: string): boolean {
    const high = this.highest.get(`${topic}\u0000${partition}`);
    if (high !== undefined && Number(offset) <= high) {
      this.redeliveries++;
      return true;
    }
    return false;
  }

  done(topic: string, partition: number, offset: string): void {
    const key = `${topic}\u0000${partition}`;
    const o = Number(offset);
    if (o > (this.highest.get(key) ?? -1)) this.highest.set(key, o);
  }
}
