import { type CategoricalSummary, type CategoryValue, countCategories } from '../profile/categorical-summary.js';
import { categoricalDrift } from './categorical-drift.js';

export interface PriorShiftOptions {
  readonly alpha?: number;
  /** Minimum equal-weight Cramér's V to call a shift (0.1 = Cohen's "small"). */
  readonly minEffect?: number;
}

export interface PriorShiftResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly degreesOfFreedom: number;
  readonly cramersV: number;
  /** Total variation distance ½ Σ |p_c − q_c| between the two label distributions. */
  readonly totalVariation: number;
  readonly referencePrior: Readonly<Record<string, number>>;
  readonly currentPrior: Readonly<Record<string, number>>;
  readonly shifted: boolean;
  readonly sampleSize: number;
}

/**
 * Prior-probability (label) shift: χ² homogeneity test of the window's class counts against the
 * training label counts, shifted iff p < α AND Cramér's V ≥ minEffect (defaults 0.05, 0.1), so a
 * huge window with a negligible prior change does not alert. Classes new in the window fall
 * into the "other/unseen" bucket.
 */
export function priorShiftTest(
  reference: CategoricalSummary,
  current: ReadonlyMap<string, number> | ArrayLike<CategoryValue>,
  options: PriorShiftOptions = {},
): PriorShiftResult {
  const { alpha = 0.05, minEffect = 0.1 } = options;
  const counts = current instanceof Map ? (current as ReadonlyMap<string, number>) : countCategories(current as ArrayLike<CategoryValue>).counts;
  const drift = categoricalDrift(reference, counts);
  let n = 0;
  for (const c of counts.values()) n += c;
  const referencePrior: Record<string, number> = {};
  const currentPrior: Record<string, number> = {};
  const classes = new Set([...Object.keys(reference.counts), ...counts.keys()]);
  let tv = 0;
  for (const c of classes) {
    const p = (reference.counts[c] ?? 0) / reference.count;
    const q = n > 0 ? (counts.get(c) ?? 0) / n : 0;
    referencePrior[c] = p;
    currentPrior[c] = q;
    tv += Math.abs(p - q);
  }
  return {
    statistic: drift.statistic,
    pValue: drift.pValue,
    degreesOfFreedom: drift.degreesOfFreedom,
    cramersV: drift.cramersV,
    totalVariation: tv / 2,
    referencePrior,
    currentPrior,
    shifted: drift.pValue < alpha && drift.cramersV >= minEffect,
    sampleSize: n,
  };
}
