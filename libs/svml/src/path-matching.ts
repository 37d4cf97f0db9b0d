import { solveAssignment } from './hungarian.js';

/** An optimal covering matching of the larger tree's paths onto the smaller tree's paths. */
export interface PathMatching {
  /** For each path of the larger tree, the matched path of the smaller tree. */
  readonly largeToSmall: Int32Array;
  readonly cost: number;
}

/**
 * Exact min-cost covering matching for the CART path distance: every path of the
 * larger tree (nLarge rows of `cost`, row-major nLarge×nSmall, nLarge ≥ nSmall ≥ 1)
 * is matched to exactly one path of the smaller tree, every smaller-tree path is
 * used at least once, and Σ cost is minimal.
 *
 * Reduction to a square nLarge×nLarge assignment: columns 0..nSmall−1 are the
 * smaller tree's paths ("mandatory" slots, cost c_ij); the remaining
 * nLarge − nSmall columns are "free" slots with cost m_i = min_j c_ij.
 * Correctness:
 * (≤) Given a feasible matching f (surjective onto the small paths), give each
 *     small path j one of its preimages in its mandatory slot; the other
 *     nLarge − nSmall large paths take the free slots at cost m_i ≤ c_{i f(i)}.
 *     So the assignment optimum ≤ the matching optimum.
 * (≥) Given an assignment, map rows in mandatory slot j to j and rows in free
 *     slots to argmin_j c_ij. Every small path is hit (its mandatory slot is
 *     filled, as the assignment is a bijection), and the cost is unchanged.
 *     So the matching optimum ≤ the assignment optimum.
 * Hence the optima coincide and the mapping in (≥) turns an optimal assignment
 * into an optimal matching. Solved exactly with the Hungarian method, O(nLarge³).
 */
export function matchPaths(cost: Float64Array, nLarge: number, nSmall: number): PathMatching {
  if (!Number.isInteger(nSmall) || nSmall < 1 || !Number.isInteger(nLarge) || nLarge < nSmall) {
    throw new RangeError(`matchPaths: need 1 ≤ nSmall ≤ nLarge, got nLarge=${nLarge}, nSmall=${nSmall}`);
  }
  if (cost.length !== nLarge * nSmall) {
    throw new RangeError(`matchPaths: cost has ${cost.length} entries, expected ${nLarge}×${nSmall}`);
  }
  const cheapest = new Int32Array(nLarge);
  const expanded = new Float64Array(nLarge * nLarge);
  for (let i = 0; i < nLarge; i++) {
    let arg = 0;
    for (let j = 0; j < nSmall; j++) {
      const c = cost[i * nSmall + j] ?? 0;
      expanded[i * nLarge + j] = c;
      if (c < (cost[i * nSmall + arg] ?? 0)) arg = j;
    }
    cheapest[i] = arg;
    const m = cost[i * nSmall + arg] ?? 0;
    for (let j = nSmall; j < nLarge; j++) expanded[i * nLarge + j] = m;
  }
  const { rowToColumn } = solveAssignment(expanded, nLarge, nLarge);
  const largeToSmall = new Int32Array(nLarge);
  let total = 0;
  for (let i = 0; i < nLarge; i++) {
    const col = rowToColumn[i] ?? 0;
    const j = col < nSmall ? col : (cheapest[i] ?? 0);
    largeToSmall[i] = j;
    total += cost[i * nSmall + j] ?? 0;
  }
  return { largeToSmall, cost: total };
}
