import { type DriftCheckOptions, type DriftReport, DriftWindow, type ReferenceProfile, checkDrift } from '@ratchet/drift';
import type { ServedPrediction } from '../join/served-prediction.js';
import { featureColumns } from '../join/tensor-rows.js';

/** Reference and current histograms of one feature at the last check. */
export interface FeatureHistogram {
  readonly feature: string;
  readonly kind: 'numeric' | 'categorical';
  /** Bin edges (numeric) or category names (categorical). */
  readonly edges?: readonly number[];
  readonly categories?: readonly string[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

/** One drift check of one version's window. */
export interface DriftCheckResult {
  readonly model: string;
  readonly version: string;
  readonly checkedAtMs: number;
  readonly windowStartMs: number;
  readonly report: DriftReport;
  readonly histograms: readonly FeatureHistogram[];
}

/** Per-feature statistic at one check, for the "statistic over time" chart. */
export interface DriftHistoryPoint {
  readonly t: number;
  readonly features: Readonly<Record<string, { statistic: number; pValue: number; effectSize: number; drifted: boolean }>>;
}

export interface DriftTrackerOptions {
  /** Rows per window: a check runs when a version's window holds this many. Default 1000. */
  readonly windowRows?: number;
  /** A smaller window is checked once it is this old (with at least `minRows`). Default 5 min. */
  readonly maxAgeMs?: number;
  readonly minRows?: number;
  readonly check?: DriftCheckOptions;
  readonly historyPoints?: number;
  readonly now?: () => number;
}

/** Loads the reference profile stored with a model version; undefined when it has none. */
export type ProfileSource = (model: string, version: string) => Promise<ReferenceProfile | undefined>;

interface VersionState {
  readonly model: string;
  readonly version: string;
  profile: ReferenceProfile | undefined;
  loaded: boolean;
  window: DriftWindow | undefined;
  windowStart: number;
  readonly history: DriftHistoryPoint[];
  last: DriftCheckResult | undefined;
}

/** Counters of the drift side. */
export interface DriftCounters {
  rowsAdded: number;
  /** Rows of versions whose profile was still loading, or that have none. */
  rowsWithoutProfile: number;
  checks: number;
  profileLoadFailures: number;
}

/**
 * Data drift per model version: the inputs each version answered go into a {@link DriftWindow}
 * over the version's reference profile (read from its registry manifest); a full (or old)
 * window is checked with `checkDrift` (per-feature KS / χ², effect-size gate, BH correction,
 * prior shift on joined labels, score shift), its result kept for the dashboard, and cleared.
 */
export class DriftTracker {
  private readonly versions = new Map<string, VersionState>();
  private readonly loading = new Set<Promise<void>>();
  private readonly o: Required<Omit<DriftTrackerOptions, 'check' | 'now'>>;
  private readonly checkOptions: DriftCheckOptions;
  private readonly now: () => number;
  readonly counters: DriftCounters = { rowsAdded: 0, rowsWithoutProfile: 0, checks: 0, profileLoadFailures: 0 };

  constructor(
    private readonly source: ProfileSource,
    options: DriftTrackerOptions = {},
    private readonly onLoadError?: (model: string, version: string, error: unknown) => void,
  ) {
    this.o = {
      windowRows: options.windowRows ?? 1000,
      maxAgeMs: options.maxAgeMs ?? 300_000,
      minRows: options.minRows ?? 100,
      historyPoints: options.historyPoints ?? 200,
    };
    this.checkOptions = options.check ?? {};
    this.now = options.now ?? Date.now;
  }

  private state(model: string, version: string): VersionState {
    const key = `${model}\u0000${version}`;
    const s = this.versions.get(key);
    if (s) return s;
    const created: VersionState = { model, version, profile: undefined, loaded: false, window: undefined, windowStart: this.now(), history: [], last: undefined };
    this.versions.set(key, created);
    const p = this.source(model, version).then(
      (profile) => {
        created.profile = profile;
        created.window = profile ? new DriftWindow(profile) : undefined;
        created.windowStart = this.now();
      },
      (error: unknown) => {
        this.counters.profileLoadFailures++;
        this.onLoadError?.(model, version, error);
      },
    );
    const tracked = p.finally(() => {
      created.loaded = true;
      this.loading.delete(tracked);
    });
    this.loading.add(tracked);
    return created;
  }

  /** Resolves once every profile requested so far has loaded (or failed). */
  async settled(): Promise<void> {
    while (this.loading.size > 0) await Promise.all([...this.loading]);
  }

  /**
   * Adds a member record's inputs and scores to its version's window (route records repeat a
   * member's inputs and are skipped). Returns the check result when the window filled up.
   */
  addPrediction(p: ServedPrediction): DriftCheckResult | undefined {
    if (p.routed) return undefined;
    const s = this.state(p.model, p.version);
    if (!s.window) {
      this.counters.rowsWithoutProfile += p.rows;
      return undefined;
    }
    const cols = featureColumns(p.inputs, p.rows);
    s.window.addColumns({ numeric: cols.numeric, categorical: cols.categorical, ...(p.probability ? { scores: p.probability } : {}) });
    this.counters.rowsAdded += p.rows;
    return s.window.size >= this.o.windowRows ? this.check(s) : undefined;
  }

  /** Adds joined labels (class values as in the profile's label summary) for prior shift. */
  addLabels(model: string, version: string, labels: ArrayLike<number>): void {
    const s = this.versions.get(`${model}\u0000${version}`);
    if (!s?.window) return;
    for (let i = 0; i < labels.length; i++) s.window.addLabel(labels[i] as number);
  }

  /** Checks windows older than `maxAgeMs` that hold at least `minRows` rows. */
  checkAged(): DriftCheckResult[] {
    const now = this.now();
    const out: DriftCheckResult[] = [];
    for (const s of this.versions.values()) {
      if (s.window && s.window.size >= this.o.minRows && now - s.windowStart >= this.o.maxAgeMs) out.push(this.check(s));
    }
    return out;
  }

  /** Checks every version's window now (the API's "check now"), if it has any rows. */
  checkAll(): DriftCheckResult[] {
    const out: DriftCheckResult[] = [];
    for (const s of this.versions.values()) if (s.window && s.window.size > 0) out.push(this.check(s));
    return out;
  }

  /** The last check and the statistic history of every version of a model. */
  ofModel(model: string): { version: string; hasProfile: boolean; windowRows: number; last: DriftCheckResult | undefined; history: readonly DriftHistoryPoint[] }[] {
    return [...this.versions.values()]
      .filter((s) => s.model === model)
      .map((s) => ({ version: s.version, hasProfile: s.profile !== undefined, windowRows: s.window?.size ?? 0, last: s.last, history: s.history }));
  }

  private check(s: VersionState): DriftCheckResult {
    const window = s.window as DriftWindow;
    const profile = s.profile as ReferenceProfile;
    const report = checkDrift(profile, window, this.checkOptions);
    const current = window.summary();
    const histograms: FeatureHistogram[] = [];
    for (const [name, ref] of Object.entries(profile.numeric)) {
      histograms.push({ feature: name, kind: 'numeric', edges: ref.edges, reference: ref.counts, current: current.numeric[name]?.counts ?? [] });
    }
    for (const [name, ref] of Object.entries(profile.categorical)) {
      const cur = current.categorical[name];
      const categories = [...new Set([...Object.keys(ref.counts), ...Object.keys(cur?.counts ?? {})])].sort();
      histograms.push({
        feature: name,
        kind: 'categorical',
        categories,
        reference: categories.map((c) => ref.counts[c] ?? 0),
        current: categories.map((c) => cur?.counts[c] ?? 0),
      });
    }
    const now = this.now();
    const result: DriftCheckResult = { model: s.model, version: s.version, checkedAtMs: now, windowStartMs: s.windowStart, report, histograms };
    const features: Record<string, { statistic: number; pValue: number; effectSize: number; drifted: boolean }> = {};
    for (const f of report.features) {
      if (f.skipped) continue;
      features[f.feature] = { statistic: f.statistic, pValue: f.pValue, effectSize: f.effectSize, drifted: f.drifted };
    }
    s.history.push({ t: now, features });
    if (s.history.length > this.o.historyPoints) s.history.splice(0, s.history.length - this.o.historyPoints);
    s.last = result;
    this.counters.checks++;
    window.clear();
    s.windowStart = now;
    return result;
  }
}
