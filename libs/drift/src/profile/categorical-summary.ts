/** A categorical value as it arrives: numbers are keyed by String(value); null/undefined are missing. */
export type CategoryValue = string | number | boolean | null | undefined;

/**
 * Category frequencies of one column. At most `maxCategories` categories are kept by name
 * (the most frequent); the rest are folded into `other`, which bounds the profile size for
 * high-cardinality columns.
 */
export interface CategoricalSummary {
  /** Non-missing values. */
  readonly count: number;
  readonly missing: number;
  readonly counts: Readonly<Record<string, number>>;
  /** Values of categories not kept by name. */
  readonly other: number;
}

export const DEFAULT_MAX_CATEGORIES = 1000;

/** Name of the bucket that collects folded and never-seen categories in drift reports. */
export const OTHER_BUCKET = '(other/unseen)';

/** Counts categories of a raw column; O(n) with one Map. */
export function countCategories(values: ArrayLike<CategoryValue>): { counts: Map<string, number>; missing: number } {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      missing++;
      continue;
    }
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { counts, missing };
}

/** Summary of a raw column keeping the `maxCategories` most frequent categories by name. */
export function summarizeCategorical(
  values: ArrayLike<CategoryValue>,
  maxCategories: number = DEFAULT_MAX_CATEGORIES,
): CategoricalSummary {
  const { counts, missing } = countCategories(values);
  return summaryFromCounts(counts, missing, maxCategories);
}

/** Builds a summary from a count map (most frequent first, ties by name for determinism). */
export function summaryFromCounts(
  counts: ReadonlyMap<string, number>,
  missing: number,
  maxCategories: number = DEFAULT_MAX_CATEGORIES,
): CategoricalSummary {
  const entries = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept: Record<string, number> = {};
  let other = 0;
  let count = 0;
  entries.forEach(([key, c], i) => {
    count += c;
    if (i < maxCategories) kept[key] = c;
    else other += c;
  });
  return { count, missing, counts: kept, other };
}

export interface CategoricalBuckets {
  /** Reference categories in profile order, then {@link OTHER_BUCKET}. */
  readonly labels: readonly string[];
  readonly reference: Float64Array;
  readonly current: Float64Array;
  /** Current-window values whose category the reference never saw by name. */
  readonly unseen: number;
}

/**
 * Aligns reference and current counts on the reference categories plus one
 * "other/unseen" bucket (reference's folded tail + current categories unknown to the reference).
 */
export function alignCategories(reference: CategoricalSummary, current: ReadonlyMap<string, number>): CategoricalBuckets {
  const labels = Object.keys(reference.counts);
  const k = labels.length;
  const ref = new Float64Array(k + 1);
  const cur = new Float64Array(k + 1);
  const index = new Map<string, number>();
  labels.forEach((label, i) => {
    index.set(label, i);
    ref[i] = reference.counts[label] as number;
  });
  ref[k] = reference.other;
  let unseen = 0;
  for (const [key, c] of current) {
    const i = index.get(key);
    if (i === undefined) unseen += c;
    else cur[i] = c;
  }
  cur[k] = unseen;
  return { labels: [...labels, OTHER_BUCKET], reference: ref, current: cur, unseen };
}
