import { jensenShannonDistance } from '../metrics/jensen-shannon.js';
import { populationStabilityIndex } from '../metrics/psi.js';
import { alignCategories, type CategoricalSummary } from '../profile/categorical-summary.js';
import { chiSquareHomogeneity } from '../hypothesis-tests/chi-square-test.js';

export interface CategoricalDriftMetrics {
  readonly statistic: number;
  readonly pValue: number;
  readonly degreesOfFreedom: number;
  readonly cramersV: number;
  readonly psi: number;
  readonly jensenShannon: number;
  /** Current values whose category the reference never saw by name. */
  readonly unseen: number;
}

/**
 * Categorical drift of a window's category counts against a reference summary.
 * Buckets: the reference categories plus one "other/unseen" bucket (the reference's folded tail
 * and every category new in the window). Test: χ² homogeneity on [reference; current]
 * (no smoothing needed, see chiSquareHomogeneity). Effect size: equal-weight Cramér's V.
 * PSI and JS on the same buckets; for PSI an empty bucket is floored at ε = 1e-4.
 */
export function categoricalDrift(
  reference: CategoricalSummary,
  current: ReadonlyMap<string, number>,
  options: { readonly psiEpsilon?: number } = {},
): CategoricalDriftMetrics {
  const buckets = alignCategories(reference, current);
  const chi = chiSquareHomogeneity(buckets.reference, buckets.current);
  return {
    statistic: chi.statistic,
    pValue: chi.pValue,
    degreesOfFreedom: chi.degreesOfFreedom,
    cramersV: chi.cramersV,
    psi: populationStabilityIndex(buckets.reference, buckets.current, options.psiEpsilon),
    jensenShannon: jensenShannonDistance(buckets.reference, buckets.current),
    unseen: buckets.unseen,
  };
}
