import { assertDesignMatrix } from '../types.js';

/**
 * A fitted binary decision tree stored as parallel typed arrays (the scikit-learn `Tree_`
 * layout). Node 0 is the root; a node is a leaf iff `left[node] === -1`.
 *
 * Branch rule at an internal node: go to `left` iff `fround(x[feature]) < threshold`
 * (ONNX `BRANCH_LT`, see `float32-threshold.ts`); a NaN goes left iff `missingLeft[node]`.
 * `value` is what the tree outputs at the node: the weighted class-1 fraction for CART, the
 * (learning-rate-scaled) additive log-odds weight for a boosted tree.
 */
export interface FlatTree {
  readonly nFeatures: number;
  /** Split feature per node, -1 at leaves. */
  readonly feature: Int32Array;
  /** float32 split threshold per node (0 at leaves). */
  readonly threshold: Float32Array;
  /** Left child per node, -1 at leaves. */
  readonly left: Int32Array;
  /** Right child per node, -1 at leaves. */
  readonly right: Int32Array;
  /** 1 where a NaN feature value takes the left branch. */
  readonly missingLeft: Uint8Array;
  /** Output at the node (meaningful at leaves; kept at internal nodes for inspection). */
  readonly value: Float64Array;
  /** Training rows that reached the node. */
  readonly nSamples: Int32Array;
  /** Sum of training sample weights that reached the node. */
  readonly weight: Float64Array;
}

/** The plain-JSON form of a {@link FlatTree} (typed arrays as number lists). */
export type FlatTreeJSON = {
  nFeatures: number;
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  missingLeft: number[];
  value: number[];
  nSamples: number[];
  weight: number[];
};

/** Number of nodes of a tree. */
export function nodeCount(tree: FlatTree): number {
  return tree.feature.length;
}

/** Index of the leaf that row `row` of the row-major matrix `X` falls into. */
export function leafIndex(tree: FlatTree, X: Float64Array, row: number): number {
  const { feature, threshold, left, right, missingLeft } = tree;
  const base = row * tree.nFeatures;
  let node = 0;
  let next = left[0] as number;
  while (next !== -1) {
    const x = X[base + (feature[node] as number)] as number;
    // fround(NaN) < t is false: NaN follows missingLeft instead.
    node = x !== x ? (missingLeft[node] === 1 ? next : (right[node] as number)) : Math.fround(x) < (threshold[node] as number) ? next : (right[node] as number);
    next = left[node] as number;
  }
  return node;
}

/**
 * Evaluates a tree on every row: `out[i] = value[leaf(i)]`, or `out[i] += value[leaf(i)]` when
 * `accumulate` is set (used to sum boosted trees without a temporary).
 */
export function predictTree(tree: FlatTree, X: Float64Array, nRows: number, out = new Float64Array(nRows), accumulate = false): Float64Array {
  assertDesignMatrix('tree', X, nRows, tree.nFeatures);
  const { value } = tree;
  for (let i = 0; i < nRows; i++) {
    const v = value[leafIndex(tree, X, i)] as number;
    out[i] = accumulate ? (out[i] as number) + v : v;
  }
  return out;
}

/** Depth of the deepest leaf (a lone root leaf has depth 0). */
export function treeDepth(tree: FlatTree): number {
  let max = 0;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const node = stack.pop() as number;
    const l = tree.left[node] as number;
    if (l === -1) {
      if (depth > max) max = depth;
    } else {
      stack.push(l, depth + 1, tree.right[node] as number, depth + 1);
    }
  }
  return max;
}

/**
 * One root-to-leaf path as a box: a row with no NaN reaches `leaf` iff, for every feature j,
 * `lower[j] <= fround(x[j]) < upper[j]` (bounds are float32 values or ±Infinity).
 */
export interface LeafPath {
  /** Node index of the leaf. */
  readonly leaf: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** The leaf's output value. */
  readonly value: number;
  /** Training rows that reached the leaf. */
  readonly nSamples: number;
}

/**
 * Every leaf of the tree with its axis-aligned box of feature intervals [lower, upper),
 * in depth-first (left before right) order. The boxes partition the NaN-free input space.
 */
export function leafPaths(tree: FlatTree): LeafPath[] {
  const d = tree.nFeatures;
  const out: LeafPath[] = [];
  const walk = (node: number, lower: Float64Array, upper: Float64Array): void => {
    const l = tree.left[node] as number;
    if (l === -1) {
      out.push({ leaf: node, lower, upper, value: tree.value[node] as number, nSamples: tree.nSamples[node] as number });
      return;
    }
    const f = tree.feature[node] as number;
    const t = tree.threshold[node] as number;
    const leftUpper = upper.slice();
    leftUpper[f] = Math.min(upper[f] as number, t);
    const rightLower = lower.slice();
    rightLower[f] = Math.max(lower[f] as number, t);
    walk(l, lower.slice(), leftUpper);
    walk(tree.right[node] as number, rightLower, upper.slice());
  };
  walk(0, new Float64Array(d).fill(-Infinity), new Float64Array(d).fill(Infinity));
  return out;
}

/** Per-feature minimum and maximum of a row-major matrix, ignoring NaN (±Infinity for an all-NaN column). */
export function featureRanges(X: Float64Array, nRows: number, nFeatures: number): { min: Float64Array; max: Float64Array } {
  assertDesignMatrix('featureRanges', X, nRows, nFeatures);
  const min = new Float64Array(nFeatures).fill(Infinity);
  const max = new Float64Array(nFeatures).fill(-Infinity);
  for (let k = 0, i = 0; i < nRows; i++) {
    for (let f = 0; f < nFeatures; f++, k++) {
      const x = X[k] as number;
      if (x < (min[f] as number)) min[f] = x;
      if (x > (max[f] as number)) max[f] = x;
    }
  }
  return { min, max };
}

/**
 * A leaf box as interleaved `[low_0, high_0, low_1, high_1, …]`, each bound mapped to [0, 1] by
 * its feature's range, `(v − min)/(max − min)` clamped (an unbounded side becomes 0 or 1, a
 * constant feature [0, 1]). This is the `intervals` layout of svml's `TreePath` for the path
 * distance of Bertsimas & Digalakis; pass the training-set {@link featureRanges}.
 */
export function normalisedIntervals(path: LeafPath, min: Float64Array, max: Float64Array): Float64Array {
  const d = path.lower.length;
  if (min.length !== d || max.length !== d) throw new RangeError(`normalisedIntervals: ranges have ${min.length}/${max.length} features, path has ${d}`);
  const out = new Float64Array(2 * d);
  for (let f = 0; f < d; f++) {
    const lo = min[f] as number;
    const width = (max[f] as number) - lo;
    const scale = (v: number, unbounded: number): number => {
      if (!(width > 0) || !Number.isFinite(v)) return unbounded;
      return Math.min(1, Math.max(0, (v - lo) / width));
    };
    out[2 * f] = scale(path.lower[f] as number, 0);
    out[2 * f + 1] = scale(path.upper[f] as number, 1);
  }
  return out;
}

/** Converts a tree to plain JSON (float32 thresholds survive the round trip exactly). */
export function flatTreeToJSON(tree: FlatTree): FlatTreeJSON {
  return {
    nFeatures: tree.nFeatures,
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    missingLeft: Array.from(tree.missingLeft),
    value: Array.from(tree.value),
    nSamples: Array.from(tree.nSamples),
    weight: Array.from(tree.weight),
  };
}

/** Rebuilds a tree from {@link flatTreeToJSON} output, checking that the arrays agree. */
export function flatTreeFromJSON(json: FlatTreeJSON): FlatTree {
  const n = json.feature.length;
  for (const key of ['threshold', 'left', 'right', 'missingLeft', 'value', 'nSamples', 'weight'] as const) {
    if (json[key].length !== n) throw new RangeError(`tree JSON: ${key} has ${json[key].length} entries, expected ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const l = json.left[i] as number;
    const r = json.right[i] as number;
    const f = json.feature[i] as number;
    const internal = l !== -1;
    if (internal && (l <= i || r <= i || l >= n || r >= n || f < 0 || f >= json.nFeatures)) {
      throw new RangeError(`tree JSON: node ${i} has invalid children (${l}, ${r}) or feature ${f}`);
    }
  }
  return {
    nFeatures: json.nFeatures,
    feature: Int32Array.from(json.feature),
    threshold: Float32Array.from(json.threshold),
    left: Int32Array.from(json.left),
    right: Int32Array.from(json.right),
    missingLeft: Uint8Array.from(json.missingLeft),
    value: Float64Array.from(json.value),
    nSamples: Int32Array.from(json.nSamples),
    weight: Float64Array.from(json.weight),
  };
}
