import {
  type CategoricalSummary,
  type CategoryValue,
  countCategories,
  summaryFromCounts,
} from './categorical-summary.js';
import { type NumericSummary, summarizeSorted } from './numeric-summary.js';
import { sortFloat64 } from './sort-float64.js';
import type { ProfileInput, ReferenceProfile, ReferenceProfileJson } from './reference-profile.js';

const INITIAL_CAPACITY = 1024;

/** Growable column of finite values plus a missing count; sorted lazily and cached. */
class NumericColumn {
  private values = new Float64Array(INITIAL_CAPACITY);
  private size = 0;
  private sortedCache: Float64Array | undefined;
  missing = 0;

  add(v: number | null | undefined): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.missing++;
      return;
    }
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = v;
    this.sortedCache = undefined;
  }

  sorted(): Float64Array {
    if (this.sortedCache === undefined) {
      this.sortedCache = sortFloat64(this.values.slice(0, this.size));
    }
    return this.sortedCache;
  }

  get count(): number {
    return this.size;
  }
}

class CategoricalColumn {
  readonly counts = new Map<string, number>();
  missing = 0;

  add(v: CategoryValue): void {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      this.missing++;
      return;
    }
    const key = String(v);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  addMany(values: ArrayLike<CategoryValue>): void {
    const { counts, missing } = countCategories(values);
    this.missing += missing;
    for (const [k, c] of counts) this.counts.set(k, (this.counts.get(k) ?? 0) + c);
  }
}

/** One row as the monitor sees it: column name → raw value. */
export type DriftRow = Readonly<Record<string, CategoryValue>>;

/**
 * Streaming accumulator of the current data for the columns of a reference profile.
 * Numeric columns keep their finite values (the two-sample statistics need the window's exact
 * ECDF; a 10k-row window is 80 kB per column); categorical columns keep counts. Labels and
 * scores are added separately because they often arrive later (feedback) or from the model.
 * {@link summary} returns the same JSON shape as the profile, binned on the reference edges.
 */
export class DriftWindow {
  private readonly numeric = new Map<string, NumericColumn>();
  private readonly categorical = new Map<string, CategoricalColumn>();
  private labelColumn = new CategoricalColumn();
  private scoreColumn = new NumericColumn();
  private rows = 0;

  constructor(readonly profile: ReferenceProfile) {
    for (const name of Object.keys(profile.numeric)) this.numeric.set(name, new NumericColumn());
    for (const name of Object.keys(profile.categorical)) this.categorical.set(name, new CategoricalColumn());
  }

  /** Adds one row; columns absent from the row count as missing, unknown keys are ignored. */
  add(row: DriftRow): void {
    this.rows++;
    for (const [name, col] of this.numeric) {
      const v = row[name];
      col.add(typeof v === 'number' ? v : null);
    }
    for (const [name, col] of this.categorical) col.add(row[name]);
  }

  /** Adds a column-oriented batch (all columns of equal length); the fast path for bulk data. */
  addColumns(batch: ProfileInput): void {
    let length: number | undefined;
    const check = (name: string, n: number): void => {
      if (length !== undefined && n !== length) throw new RangeError(`batch column "${name}" has ${n} rows, expected ${length}`);
      length = n;
    };
    for (const [name, col] of this.numeric) {
      const values = batch.numeric?.[name];
      if (values === undefined) continue;
      check(name, values.length);
      for (let i = 0; i < values.length; i++) col.add(values[i]);
    }
    for (const [name, col] of this.categorical) {
      const values = batch.categorical?.[name];
      if (values === undefined) continue;
      check(name, values.length);
      col.addMany(values);
    }
    const n = length ?? 0;
    this.rows += n;
    // Columns missing from the batch are missing for every row of it.
    for (const [name, col] of this.numeric) if (batch.numeric?.[name] === undefined) col.missing += n;
    for (const [name, col] of this.categorical) if (batch.categorical?.[name] === undefined) col.missing += n;
    if (batch.labels) this.labelColumn.addMany(batch.labels);
    if (batch.scores) for (let i = 0; i < batch.scores.length; i++) this.scoreColumn.add(batch.scores[i]);
  }

  /** Empties the window (e.g. when a tumbling window closes); the profile binding stays. */
  clear(): void {
    for (const name of this.numeric.keys()) this.numeric.set(name, new NumericColumn());
    for (const name of this.categorical.keys()) this.categorical.set(name, new CategoricalColumn());
    this.labelColumn = new CategoricalColumn();
    this.scoreColumn = new NumericColumn();
    this.rows = 0;
  }

  addLabel(label: CategoryValue): void {
    this.labelColumn.add(label);
  }

  addScore(score: number): void {
    this.scoreColumn.add(score);
  }

  /** Rows added with {@link add} or {@link addColumns}. */
  get size(): number {
    return this.rows;
  }

  /** Ascending finite values of a numeric column (cached until the next add). */
  sortedValues(name: string): Float64Array {
    const col = this.numeric.get(name);
    if (col === undefined) throw new RangeError(`"${name}" is not a numeric column of the profile`);
    return col.sorted();
  }

  missing(name: string): number {
    const col = this.numeric.get(name) ?? this.categorical.get(name);
    if (col === undefined) throw new RangeError(`"${name}" is not a column of the profile`);
    return col.missing;
  }

  categoryCounts(name: string): ReadonlyMap<string, number> {
    const col = this.categorical.get(name);
    if (col === undefined) throw new RangeError(`"${name}" is not a categorical column of the profile`);
    return col.counts;
  }

  labelCounts(): ReadonlyMap<string, number> {
    return this.labelColumn.counts;
  }

  sortedScores(): Float64Array {
    return this.scoreColumn.sorted();
  }

  /** Summary in the profile's JSON shape (numeric columns binned on the reference edges). */
  summary(): ReferenceProfileJson {
    const numeric: Record<string, NumericSummary> = {};
    for (const [name, col] of this.numeric) {
      numeric[name] = summarizeSorted(col.sorted(), col.missing, this.profile.numeric[name]?.edges ?? []);
    }
    const categorical: Record<string, CategoricalSummary> = {};
    for (const [name, col] of this.categorical) categorical[name] = summaryFromCounts(col.counts, col.missing);
    const refScores = this.profile.scores;
    return {
      format: 'ratchet.drift.profile/v1',
      rowCount: this.rows,
      numeric,
      categorical,
      ...(this.labelColumn.counts.size > 0 ? { labels: summaryFromCounts(this.labelColumn.counts, this.labelColumn.missing) } : {}),
      ...(this.scoreColumn.count > 0
        ? { scores: summarizeSorted(this.scoreColumn.sorted(), this.scoreColumn.missing, refScores?.edges) }
        : {}),
    };
  }
}
