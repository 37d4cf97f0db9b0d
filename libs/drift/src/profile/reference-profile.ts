import {
  type CategoricalSummary,
  type CategoryValue,
  DEFAULT_MAX_CATEGORIES,
  summarizeCategorical,
} from './categorical-summary.js';
import { DEFAULT_PROFILE_BINS, type NumericSummary, summarizeNumeric } from './numeric-summary.js';

export const PROFILE_FORMAT = 'ratchet.drift.profile/v1';

/** Plain-JSON form of a {@link ReferenceProfile}. */
export interface ReferenceProfileJson {
  readonly format: typeof PROFILE_FORMAT;
  readonly rowCount: number;
  readonly numeric: Readonly<Record<string, NumericSummary>>;
  readonly categorical: Readonly<Record<string, CategoricalSummary>>;
  /** Label prior: class frequencies of the training labels. */
  readonly labels?: CategoricalSummary;
  /** Distribution of the model's score (predicted probability) on the training/validation rows. */
  readonly scores?: NumericSummary;
}

/** Training-time columns: numeric as numbers (non-finite = missing), categorical as strings. */
export interface ProfileInput {
  readonly numeric?: Readonly<Record<string, ArrayLike<number | null | undefined>>>;
  readonly categorical?: Readonly<Record<string, ArrayLike<CategoryValue>>>;
  readonly labels?: ArrayLike<CategoryValue>;
  readonly scores?: ArrayLike<number | null | undefined>;
}

export interface ProfileOptions {
  /** Reference-quantile bins per numeric column (CDF error ≤ 1/bins between edges). */
  readonly bins?: number;
  /** Categories kept by name per categorical column; the tail is folded into `other`. */
  readonly maxCategories?: number;
}

/** A profile JSON document that does not have the expected shape; retrying will not help. */
export class ProfileFormatError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(`invalid drift profile: ${message}`);
    this.name = 'ProfileFormatError';
  }
}

/**
 * Everything a monitor needs to test drift against a model version's training data without
 * the data itself: per-column summaries, the label prior and the score distribution.
 * Saved with the model version (JSON via toJSON / fromJSON).
 */
export class ReferenceProfile {
  private constructor(private readonly json: ReferenceProfileJson) {}

  /**
   * Summarises training columns. All columns must have the same length; numeric columns use
   * `bins` reference-quantile edges (default 100), categorical ones keep `maxCategories`
   * (default 1000) categories by name. O(n log n) per numeric column.
   */
  static build(input: ProfileInput, options: ProfileOptions = {}): ReferenceProfile {
    const { bins = DEFAULT_PROFILE_BINS, maxCategories = DEFAULT_MAX_CATEGORIES } = options;
    const lengths = new Set<number>();
    const numeric: Record<string, NumericSummary> = {};
    const categorical: Record<string, CategoricalSummary> = {};
    for (const [name, column] of Object.entries(input.numeric ?? {})) {
      lengths.add(column.length);
      numeric[name] = summarizeNumeric(column, bins);
    }
    for (const [name, column] of Object.entries(input.categorical ?? {})) {
      if (name in numeric) throw new RangeError(`column "${name}" is declared both numeric and categorical`);
      lengths.add(column.length);
      categorical[name] = summarizeCategorical(column, maxCategories);
    }
    if (lengths.size > 1) throw new RangeError(`profile columns differ in length: ${[...lengths].join(', ')}`);
    const rowCount = lengths.size === 1 ? ([...lengths][0] as number) : (input.labels?.length ?? input.scores?.length ?? 0);
    const json: ReferenceProfileJson = {
      format: PROFILE_FORMAT,
      rowCount,
      numeric,
      categorical,
      ...(input.labels ? { labels: summarizeCategorical(input.labels, maxCategories) } : {}),
      ...(input.scores ? { scores: summarizeNumeric(input.scores, bins) } : {}),
    };
    return new ReferenceProfile(json);
  }

  /** Validates and wraps a parsed JSON document; throws {@link ProfileFormatError}. */
  static fromJSON(value: unknown): ReferenceProfile {
    if (!isRecord(value)) throw new ProfileFormatError('expected an object');
    if (value['format'] !== PROFILE_FORMAT) throw new ProfileFormatError(`unknown format ${String(value['format'])}`);
    if (typeof value['rowCount'] !== 'number') throw new ProfileFormatError('rowCount must be a number');
    const numeric = value['numeric'];
    const categorical = value['categorical'];
    if (!isRecord(numeric) || !isRecord(categorical)) throw new ProfileFormatError('numeric and categorical must be objects');
    const numericOut: Record<string, NumericSummary> = {};
    for (const [name, s] of Object.entries(numeric)) numericOut[name] = checkNumeric(s, `numeric.${name}`);
    for (const [name, s] of Object.entries(categorical)) checkCategorical(s, `categorical.${name}`);
    if (value['labels'] !== undefined) checkCategorical(value['labels'], 'labels');
    const scores = value['scores'] === undefined ? undefined : checkNumeric(value['scores'], 'scores');
    return new ReferenceProfile({
      format: PROFILE_FORMAT,
      rowCount: value['rowCount'],
      numeric: numericOut,
      categorical: categorical as Record<string, CategoricalSummary>,
      ...(value['labels'] !== undefined ? { labels: value['labels'] as CategoricalSummary } : {}),
      ...(scores ? { scores } : {}),
    });
  }

  toJSON(): ReferenceProfileJson {
    return this.json;
  }

  get rowCount(): number {
    return this.json.rowCount;
  }
  get numeric(): Readonly<Record<string, NumericSummary>> {
    return this.json.numeric;
  }
  get categorical(): Readonly<Record<string, CategoricalSummary>> {
    return this.json.categorical;
  }
  get labels(): CategoricalSummary | undefined {
    return this.json.labels;
  }
  get scores(): NumericSummary | undefined {
    return this.json.scores;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

/** Validates a numeric summary and restores NaN where JSON wrote null (empty column). */
function checkNumeric(s: unknown, where: string): NumericSummary {
  if (!isRecord(s)) throw new ProfileFormatError(`${where} must be an object`);
  for (const key of ['count', 'missing', 'mean', 'std', 'min', 'max']) {
    // JSON turns NaN (empty column) into null.
    if (typeof s[key] !== 'number' && s[key] !== null) throw new ProfileFormatError(`${where}.${key} must be a number`);
  }
  const { edges, counts } = s;
  if (!isNumberArray(edges) || !isNumberArray(counts)) throw new ProfileFormatError(`${where}: edges and counts must be number arrays`);
  if (counts.length !== edges.length + 1) throw new ProfileFormatError(`${where}: counts must have edges.length + 1 entries`);
  for (let i = 1; i < edges.length; i++) {
    if (!((edges[i] as number) > (edges[i - 1] as number))) throw new ProfileFormatError(`${where}: edges must be strictly increasing`);
  }
  const num = (key: string): number => (typeof s[key] === 'number' ? (s[key] as number) : Number.NaN);
  return {
    count: num('count'),
    missing: num('missing'),
    mean: num('mean'),
    std: num('std'),
    min: num('min'),
    max: num('max'),
    edges,
    counts,
  };
}

function checkCategorical(s: unknown, where: string): void {
  if (!isRecord(s)) throw new ProfileFormatError(`${where} must be an object`);
  if (typeof s['count'] !== 'number' || typeof s['missing'] !== 'number' || typeof s['other'] !== 'number') {
    throw new ProfileFormatError(`${where}: count, missing and other must be numbers`);
  }
  const counts = s['counts'];
  if (!isRecord(counts) || !Object.values(counts).every((c) => typeof c === 'number')) {
    throw new ProfileFormatError(`${where}.counts must map category to number`);
  }
}
