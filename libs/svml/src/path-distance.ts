import { matchPaths } from './path-matching.js';

/**
 * A root-to-leaf path of a CART tree, as the region it carves out:
 * - `intervals`: for each numeric feature f, [low_f, high_f] at positions 2f, 2f+1,
 *   normalised by the feature's range to [0, 1] (an unconstrained side is 0 or 1);
 * - `categories`: for each categorical feature, the set of levels still allowed
 *   (the full level set when the path does not split on it);
 * - `value`: the leaf's prediction (class label or regression value).
 */
export interface TreePath {
  readonly intervals: Float64Array;
  readonly categories?: readonly ReadonlySet<number>[];
  readonly value: number;
}

/** Options for {@link pathDistance} and {@link treeDistance}. */
export interface PathDistanceOptions {
  /** Weight λ of the leaf-value difference (default 1). */
  readonly lambda?: number;
}

/** Jaccard distance 1 − |A∩B| / |A∪B| (0 when both sets are empty). */
export function jaccardDistance(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  let intersection = 0;
  for (const x of a) if (b.has(x)) intersection++;
  const union = a.size + b.size - intersection;
  return union === 0 ? 0 : 1 - intersection / union;
}

/**
 * Path distance (after Bertsimas & Digalakis' decision-tree stability work, used
 * by SVML for CART):
 *   d(p, q) = Σ_f (|low_f^p − low_f^q| + |high_f^p − high_f^q|)
 *           + Σ_c Jaccard(S_c^p, S_c^q) + λ·|value_p − value_q|,
 * with numeric bounds normalised to [0, 1] by feature range, so each numeric
 * feature contributes at most 2 and each categorical feature at most 1.
 */
export function pathDistance(p: TreePath, q: TreePath, { lambda = 1 }: PathDistanceOptions = {}): number {
  if (p.intervals.length !== q.intervals.length || p.intervals.length % 2 !== 0) {
    throw new RangeError(`pathDistance: interval arrays differ or are odd (${p.intervals.length} vs ${q.intervals.length})`);
  }
  let d = 0;
  for (let k = 0; k < p.intervals.length; k++) d += Math.abs((p.intervals[k] ?? 0) - (q.intervals[k] ?? 0));
  const pc = p.categories ?? [];
  const qc = q.categories ?? [];
  if (pc.length !== qc.length) throw new RangeError(`pathDistance: ${pc.length} vs ${qc.length} categorical features`);
  for (let c = 0; c < pc.length; c++) {
    const a = pc[c];
    const b = qc[c];
    if (a !== undefined && b !== undefined) d += jaccardDistance(a, b);
  }
  return d + lambda * Math.abs(p.value - q.value);
}

/** Result of {@link treeDistance}. */
export interface TreeDistance {
  /** Minimum total path distance of a covering matching. */
  readonly distance: number;
  /** True when the first tree had fewer paths, so rows of the matching refer to the second tree. */
  readonly swapped: boolean;
  /** For each path of the larger tree, the matched path of the smaller tree. */
  readonly largeToSmall: Int32Array;
}

/**
 * Distance between two trees given their leaf paths: the minimum over matchings
 * that map each path of the larger tree to one path of the smaller tree and use
 * every path of the smaller tree at least once, of Σ pathDistance (see
 * `matchPaths` for the exact solver). Symmetric by construction.
 */
export function treeDistance(
  pathsA: readonly TreePath[],
  pathsB: readonly TreePath[],
  options: PathDistanceOptions = {},
): TreeDistance {
  if (pathsA.length === 0 || pathsB.length === 0) throw new RangeError('treeDistance: a tree needs at least one path');
  const swapped = pathsA.length < pathsB.length;
  const large = swapped ? pathsB : pathsA;
  const small = swapped ? pathsA : pathsB;
  const cost = new Float64Array(large.length * small.length);
  large.forEach((p, i) => small.forEach((q, j) => (cost[i * small.length + j] = pathDistance(p, q, options))));
  const matching = matchPaths(cost, large.length, small.length);
  return { distance: matching.cost, swapped, largeToSmall: matching.largeToSmall };
}
