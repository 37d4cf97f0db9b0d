import type { DriftWindow } from '../profile/drift-window.js';
import type { ReferenceProfile } from '../profile/reference-profile.js';
import { benjaminiHochberg } from '../hypothesis-tests/benjamini-hochberg.js';
import { bonferroni } from '../hypothesis-tests/bonferroni.js';
import { categoricalDrift } from './categorical-drift.js';
import { numericDrift, type NumericDriftMetrics } from './numeric-drift.js';
import { priorShiftTest, type PriorShiftResult } from './prior-shift.js';

export type NumericEffectMetric = 'ks' | 'psi' | 'wasserstein' | 'jensen-shannon';
export type CategoricalEffectMetric = 'cramers-v' | 'psi' | 'jensen-shannon';
export type PValueCorrection = 'benjamini-hochberg' | 'bonferroni' | 'none';

/** Minimum effect sizes for a drift verdict (the "is it big enough to matter" half). */
export interface DriftThresholds {
  /** Binned KS distance D. */
  readonly ks: number;
  readonly psi: number;
  /** W1 in reference standard deviations. */
  readonly wasserstein: number;
  /** Base-2 JS distance. */
  readonly jensenShannon: number;
  /** Equal-weight Cramér's V. */
  readonly cramersV: number;
}

/**
 * Defaults: D ≥ 0.1 (a tenth of the population moved across some threshold); PSI ≥ 0.2 (between
 * the usual 0.1 "watch" and 0.25 "act"); W1 ≥ 0.1σ; JS ≥ 0.1; Cramér's V ≥ 0.1 (Cohen's small).
 */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = {
  ks: 0.1,
  psi: 0.2,
  wasserstein: 0.1,
  jensenShannon: 0.1,
  cramersV: 0.1,
};

export interface DriftCheckOptions {
  /** Family-wise (Bonferroni) or false-discovery (BH) level for the per-feature tests. */
  readonly alpha?: number;
  readonly correction?: PValueCorrection;
  readonly numericEffect?: NumericEffectMetric;
  readonly categoricalEffect?: CategoricalEffectMetric;
  readonly thresholds?: Partial<DriftThresholds>;
  /** Features with fewer non-missing window values are reported as skipped. */
  readonly minSamples?: number;
  readonly psiBins?: number;
  readonly psiEpsilon?: number;
}

export interface FeatureDrift {
  readonly feature: string;
  readonly kind: 'numeric' | 'categorical';
  readonly test: 'ks' | 'chi-square';
  /** Non-missing window values. */
  readonly sampleSize: number;
  readonly statistic: number;
  readonly pValue: number;
  readonly adjustedPValue: number;
  readonly effectMetric: NumericEffectMetric | CategoricalEffectMetric;
  readonly effectSize: number;
  readonly drifted: boolean;
  /** Set when the feature was not tested (too few values). */
  readonly skipped?: 'insufficient-data';
  readonly metrics: {
    readonly ks?: number;
    readonly psi: number;
    readonly jensenShannon: number;
    readonly wasserstein?: number;
    readonly cramersV?: number;
    readonly degreesOfFreedom?: number;
    readonly unseen?: number;
  };
  readonly missingRate: { readonly reference: number; readonly current: number };
}

export interface ScoreShift {
  readonly metrics: NumericDriftMetrics;
  readonly effectSize: number;
  readonly drifted: boolean;
}

export interface DriftReport {
  /** True iff at least one feature drifted (labels and scores are reported separately). */
  readonly drifted: boolean;
  readonly driftedFeatures: readonly string[];
  readonly features: readonly FeatureDrift[];
  readonly labelShift?: PriorShiftResult;
  readonly scoreShift?: ScoreShift;
  readonly windowSize: number;
  readonly alpha: number;
  readonly correction: PValueCorrection;
}

/**
 * Per-feature drift of a window against a reference profile, with a sample-size-aware verdict:
 * a feature drifts iff its multiplicity-adjusted p-value < α AND its effect size ≥ threshold,
 * so a 100k-row window with a trivial shift stays quiet while a small window needs a clear
 * shift to be significant at all. Numeric: binned KS test, effect D (default) / PSI / W1/σ / JS.
 * Categorical: χ² homogeneity with an other/unseen bucket, effect Cramér's V (default).
 * Adjustment over the tested features: Benjamini–Hochberg (default) or Bonferroni.
 * Labels (prior shift) and scores are tested separately with unadjusted p-values.
 * Cost: one sort per numeric window column plus O(n + B) per feature.
 */
export function checkDrift(profile: ReferenceProfile, window: DriftWindow, options: DriftCheckOptions = {}): DriftReport {
  const {
    alpha = 0.05,
    correction = 'benjamini-hochberg',
    numericEffect = 'ks',
    categoricalEffect = 'cramers-v',
    minSamples = 30,
    psiBins = 10,
    psiEpsilon,
  } = options;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const thresholds: DriftThresholds = { ...DEFAULT_DRIFT_THRESHOLDS, ...options.thresholds };
  const drafts: Omit<FeatureDrift, 'adjustedPValue' | 'drifted'>[] = [];

  for (const [name, ref] of Object.entries(profile.numeric)) {
    const sorted = window.sortedValues(name);
    const missing = window.missing(name);
    const missingRate = { reference: rate(ref.missing, ref.count), current: rate(missing, sorted.length) };
    if (sorted.length < minSamples || ref.count === 0) {
      drafts.push(skipped(name, 'numeric', 'ks', numericEffect, sorted.length, missingRate));
      continue;
    }
    const m = numericDrift(ref, sorted, { psiBins, ...(psiEpsilon === undefined ? {} : { psiEpsilon }) });
    drafts.push({
      feature: name,
      kind: 'numeric',
      test: 'ks',
      sampleSize: sorted.length,
      statistic: m.ks,
      pValue: m.pValue,
      effectMetric: numericEffect,
      effectSize: numericEffectSize(m, numericEffect),
      metrics: { ks: m.ks, psi: m.psi, jensenShannon: m.jensenShannon, wasserstein: m.wasserstein },
      missingRate,
    });
  }

  for (const [name, ref] of Object.entries(profile.categorical)) {
    const counts = window.categoryCounts(name);
    let n = 0;
    for (const c of counts.values()) n += c;
    const missingRate = { reference: rate(ref.missing, ref.count), current: rate(window.missing(name), n) };
    if (n < minSamples || ref.count === 0) {
      drafts.push(skipped(name, 'categorical', 'chi-square', categoricalEffect, n, missingRate));
      continue;
    }
    const m = categoricalDrift(ref, counts, psiEpsilon === undefined ? {} : { psiEpsilon });
    const effectSize = categoricalEffect === 'cramers-v' ? m.cramersV : categoricalEffect === 'psi' ? m.psi : m.jensenShannon;
    drafts.push({
      feature: name,
      kind: 'categorical',
      test: 'chi-square',
      sampleSize: n,
      statistic: m.statistic,
      pValue: m.pValue,
      effectMetric: categoricalEffect,
      effectSize,
      metrics: {
        psi: m.psi,
        jensenShannon: m.jensenShannon,
        cramersV: m.cramersV,
        degreesOfFreedom: m.degreesOfFreedom,
        unseen: m.unseen,
      },
      missingRate,
    });
  }

  const pValues = drafts.map((d) => d.pValue);
  const adjusted =
    correction === 'benjamini-hochberg' ? benjaminiHochberg(pValues) : correction === 'bonferroni' ? bonferroni(pValues) : Float64Array.from(pValues);
  const features: FeatureDrift[] = drafts.map((d, i) => {
    const adjustedPValue = adjusted[i] as number;
    const threshold = thresholdFor(d.effectMetric, thresholds);
    const drifted = d.skipped === undefined && adjustedPValue < alpha && d.effectSize >= threshold;
    return { ...d, adjustedPValue, drifted };
  });

  const labels = profile.labels;
  const labelCounts = window.labelCounts();
  const labelShift =
    labels && labels.count > 0 && sum(labelCounts) >= minSamples
      ? priorShiftTest(labels, labelCounts, { alpha, minEffect: thresholds.cramersV })
      : undefined;

  const scores = profile.scores;
  const sortedScores = window.sortedScores();
  let scoreShift: ScoreShift | undefined;
  if (scores && scores.count > 0 && sortedScores.length >= minSamples) {
    const metrics = numericDrift(scores, sortedScores, { psiBins, ...(psiEpsilon === undefined ? {} : { psiEpsilon }) });
    const effectSize = numericEffectSize(metrics, numericEffect);
    scoreShift = { metrics, effectSize, drifted: metrics.pValue < alpha && effectSize >= thresholdFor(numericEffect, thresholds) };
  }

  const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.feature);
  return {
    drifted: driftedFeatures.length > 0,
    driftedFeatures,
    features,
    ...(labelShift ? { labelShift } : {}),
    ...(scoreShift ? { scoreShift } : {}),
    windowSize: window.size,
    alpha,
    correction,
  };
}

function numericEffectSize(m: NumericDriftMetrics, metric: NumericEffectMetric): number {
  switch (metric) {
    case 'ks':
      return m.ks;
    case 'psi':
      return m.psi;
    case 'wasserstein':
      return m.wasserstein;
    case 'jensen-shannon':
      return m.jensenShannon;
  }
}

function thresholdFor(metric: NumericEffectMetric | CategoricalEffectMetric, t: DriftThresholds): number {
  switch (metric) {
    case 'ks':
      return t.ks;
    case 'psi':
      return t.psi;
    case 'wasserstein':
      return t.wasserstein;
    case 'jensen-shannon':
      return t.jensenShannon;
    case 'cramers-v':
      return t.cramersV;
  }
}

function skipped(
  feature: string,
  kind: 'numeric' | 'categorical',
  test: 'ks' | 'chi-square',
  effectMetric: NumericEffectMetric | CategoricalEffectMetric,
  sampleSize: number,
  missingRate: { reference: number; current: number },
): Omit<FeatureDrift, 'adjustedPValue' | 'drifted'> {
  return {
    feature,
    kind,
    test,
    sampleSize,
    statistic: Number.NaN,
    pValue: Number.NaN,
    effectMetric,
    effectSize: Number.NaN,
    skipped: 'insufficient-data',
    metrics: { psi: Number.NaN, jensenShannon: Number.NaN },
    missingRate,
  };
}

function rate(missing: number, present: number): number {
  const total = missing + present;
  return total > 0 ? missing / total : 0;
}

function sum(counts: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const c of counts.values()) s += c;
  return s;
}
