import { Rng } from '../../rng.js';
import type { BinaryClassifier, SerializedModel, TrainingSet } from '../types.js';
import { checkTrainingSet } from './check-training-set.js';
import { float32SplitThreshold } from './float32-threshold.js';
import { type FlatTree, type FlatTreeJSON, flatTreeFromJSON, flatTreeToJSON, predictTree } from './flat-tree.js';

/** Hyper-parameters of {@link fitCart}; defaults follow scikit-learn's `DecisionTreeClassifier`. */
export interface CartOptions {
  /** Maximum depth (root = 0). Default unlimited. */
  maxDepth?: number;
  /** A node with fewer rows is not split. Default 2. */
  minSamplesSplit?: number;
  /** Each child must keep at least this many rows. Default 1. */
  minSamplesLeaf?: number;
  /**
   * A split must lower the weighted impurity by at least this much, measured as
   * `W_t/W · (G_t − W_L/W_t · G_L − W_R/W_t · G_R)` (scikit-learn's definition). Default 0.
   */
  minImpurityDecrease?: number;
  /**
   * Features drawn (seeded, without replacement) per node: an integer count, a fraction in (0, 1),
   * `'sqrt'`, or `'all'` (default). As in scikit-learn, the search goes on past this many
   * non-constant features until at least one valid split is found.
   */
  maxFeatures?: number | 'sqrt' | 'all';
  /** Seed for feature sampling. Default 0. */
  seed?: number;
}

/** `Model.kind` of {@link CartClassifier}. */
export const CART_KIND = 'cart';

/** Exact-float tolerance on impurity comparisons (same role as scikit-learn's EPSILON). */
const EPS = 1e-12;

/** Weighted Gini mass `W · G` of a node with total weight `w` and class-1 weight `p`: `2p(w−p)/w`. */
function giniMass(w: number, p: number): number {
  return w > 0 ? (2 * p * (w - p)) / w : 0;
}

/**
 * A fitted CART classifier: one {@link FlatTree} whose leaf values are weighted class-1
 * fractions, plus its Gini importances.
 */
export class CartClassifier implements BinaryClassifier {
  /** Model kind tag used in JSON and by the ONNX exporter. */
  readonly kind = CART_KIND;
  readonly task = 'binary' as const;

  constructor(
    readonly tree: FlatTree,
    /** Gini (mean decrease in impurity) importance per feature, summing to 1 (all 0 for a stump-less tree). */
    readonly featureImportances: Float64Array,
  ) {}

  /** Number of input features. */
  get nFeatures(): number {
    return this.tree.nFeatures;
  }

  /** P(y = 1 | x) per row of the row-major matrix `X` (the leaf's class-1 fraction). */
  predictProba(X: Float64Array, nRows: number): Float64Array {
    return predictTree(this.tree, X, nRows);
  }

  /** Plain-JSON form, inverted by {@link CartClassifier.fromJSON}. */
  toJSON(): SerializedModel<typeof CART_KIND, CartParams> {
    return {
      kind: CART_KIND,
      task: 'binary',
      nFeatures: this.nFeatures,
      params: { tree: flatTreeToJSON(this.tree), featureImportances: Array.from(this.featureImportances) },
    };
  }

  /** Rebuilds a classifier from {@link CartClassifier.toJSON} output. */
  static fromJSON(json: SerializedModel): CartClassifier {
    if (json.kind !== CART_KIND) throw new TypeError(`expected a '${CART_KIND}' model, got '${json.kind}'`);
    const params = json.params as CartParams;
    const tree = flatTreeFromJSON(params.tree);
    if (tree.nFeatures !== json.nFeatures || params.featureImportances.length !== json.nFeatures) {
      throw new RangeError(`cart JSON: tree or importances disagree with nFeatures = ${json.nFeatures}`);
    }
    return new CartClassifier(tree, Float64Array.from(params.featureImportances));
  }
}

/** Serialised parameters of a {@link CartClassifier}. */
export type CartParams = {
  tree: FlatTreeJSON;
  featureImportances: number[];
};

function resolveMaxFeatures(option: CartOptions['maxFeatures'], nFeatures: number): number {
  if (option === undefined || option === 'all') return nFeatures;
  if (option === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (!(option > 0)) throw new RangeError(`cart: maxFeatures must be > 0, got ${option}`);
  if (option <= 1 && !Number.isInteger(option)) return Math.max(1, Math.floor(option * nFeatures));
  if (!Number.isInteger(option)) throw new RangeError(`cart: maxFeatures must be an integer count or a fraction, got ${option}`);
  return Math.min(option, nFeatures);
}

/**
 * Fits a binary classification tree by CART (Breiman, Friedman, Olshen & Stone, 1984, ch. 4):
 * greedy top-down binary splits minimising weighted Gini impurity `G = 1 − p₁² − p₀²`,
 * with thresholds at float32 midpoints between consecutive distinct values.
 *
 * Each feature's rows are argsorted once; a node owns the same range `[start, end)` in every
 * feature's sorted list and a split stably partitions those ranges (the "presort" scheme),
 * so each depth level costs O(nRows · nFeatures) after the initial sort. Nodes are numbered
 * in creation order, so a child always has a larger index than its parent.
 *
 * Importance of feature j (Breiman 2001's mean decrease in impurity): the sum over nodes split
 * on j of `W_t G_t − W_L G_L − W_R G_R`, normalised to sum to 1.
 */
export function fitCart(data: TrainingSet, options: CartOptions = {}): CartClassifier {
  const { maxDepth = Infinity, minSamplesSplit = 2, minSamplesLeaf = 1, minImpurityDecrease = 0, seed = 0 } = options;
  if (!(maxDepth >= 0)) throw new RangeError(`cart: maxDepth must be ≥ 0, got ${maxDepth}`);
  if (!Number.isInteger(minSamplesLeaf) || minSamplesLeaf < 1) throw new RangeError(`cart: minSamplesLeaf must be an integer ≥ 1, got ${minSamplesLeaf}`);
  if (!Number.isInteger(minSamplesSplit) || minSamplesSplit < 2) throw new RangeError(`cart: minSamplesSplit must be an integer ≥ 2, got ${minSamplesSplit}`);
  if (!(minImpurityDecrease >= 0)) throw new RangeError(`cart: minImpurityDecrease must be ≥ 0, got ${minImpurityDecrease}`);
  const w = checkTrainingSet('cart', data);
  const { X, nRows: n, nFeatures: d, y } = data;
  const maxFeatures = resolveMaxFeatures(options.maxFeatures, d);
  const rng = new Rng(seed);

  // sorted[f * n + k]: the k-th row of the current node layout, ordered by feature f within each node.
  const sorted = new Int32Array(d * n);
  const column = new Float64Array(n);
  const order = new Int32Array(n);
  for (let f = 0; f < d; f++) {
    for (let i = 0; i < n; i++) {
      column[i] = X[i * d + f] as number;
      order[i] = i;
    }
    order.sort((a, b) => (column[a] as number) - (column[b] as number) || a - b);
    sorted.set(order, f * n);
  }

  const maxNodes = 2 * n - 1;
  const feature = new Int32Array(maxNodes).fill(-1);
  const threshold = new Float32Array(maxNodes);
  const left = new Int32Array(maxNodes).fill(-1);
  const right = new Int32Array(maxNodes).fill(-1);
  const value = new Float64Array(maxNodes);
  const nSamples = new Int32Array(maxNodes);
  const weight = new Float64Array(maxNodes);
  const positive = new Float64Array(maxNodes); // class-1 weight per node
  const importance = new Float64Array(d);

  let totalW = 0;
  let totalP = 0;
  for (let i = 0; i < n; i++) {
    totalW += w[i] as number;
    totalP += (w[i] as number) * (y[i] as number);
  }
  let count = 1;
  nSamples[0] = n;
  weight[0] = totalW;
  positive[0] = totalP;
  value[0] = totalP / totalW;

  const goLeft = new Uint8Array(n);
  const scratch = new Int32Array(n);
  const featureOrder = new Int32Array(d);
  for (let f = 0; f < d; f++) featureOrder[f] = f;

  // Explicit stack of (node, start, depth); a node's end is start + nSamples[node].
  const stack: number[] = [0, 0, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const start = stack.pop() as number;
    const node = stack.pop() as number;
    const m = nSamples[node] as number;
    const end = start + m;
    const wt = weight[node] as number;
    const pt = positive[node] as number;
    const parentMass = giniMass(wt, pt);
    if (depth >= maxDepth || m < minSamplesSplit || m < 2 * minSamplesLeaf || parentMass <= EPS * wt) continue;

    if (maxFeatures < d) {
      // Partial Fisher–Yates is enough, but a full shuffle keeps the draw count independent of the data.
      rng.shuffle<number, Int32Array>(featureOrder);
    }
    let bestScore = Infinity;
    let bestFeature = -1;
    let bestPos = -1; // rows sorted[start .. bestPos] go left
    let bestThreshold = 0;
    let bestWL = 0;
    let bestPL = 0;
    let visited = 0;
    for (let k = 0; k < d; k++) {
      if (visited >= maxFeatures && bestFeature !== -1) break;
      const f = featureOrder[k] as number;
      const base = f * n;
      const firstX = Math.fround(X[(sorted[base + start] as number) * d + f] as number);
      const lastX = Math.fround(X[(sorted[base + end - 1] as number) * d + f] as number);
      if (!(firstX < lastX)) continue; // constant in this node: does not count toward maxFeatures
      visited++;
      let wl = 0;
      let pl = 0;
      let next = sorted[base + start] as number;
      let nextX = Math.fround(X[next * d + f] as number);
      for (let i = start; i < end - 1; i++) {
        const r = next;
        const rx = nextX;
        const wr = w[r] as number;
        wl += wr;
        pl += wr * (y[r] as number);
        next = sorted[base + i + 1] as number;
        nextX = Math.fround(X[next * d + f] as number);
        const nl = i - start + 1;
        if (nl < minSamplesLeaf) continue;
        if (m - nl < minSamplesLeaf) break;
        if (!(rx < nextX)) continue;
        const wrt = wt - wl;
        if (wl <= 0 || wrt <= 0) continue;
        const score = giniMass(wl, pl) + giniMass(wrt, pt - pl);
        if (score < bestScore - EPS * wt) {
          bestScore = score;
          bestFeature = f;
          bestPos = i;
          bestThreshold = float32SplitThreshold(rx, nextX);
          bestWL = wl;
          bestPL = pl;
        }
      }
    }
    if (bestFeature === -1) continue;
    const decrease = parentMass - bestScore;
    if (decrease / totalW + EPS < minImpurityDecrease) continue;

    const nl = bestPos - start + 1;
    const l = count++;
    const r = count++;
    feature[node] = bestFeature;
    threshold[node] = bestThreshold;
    left[node] = l;
    right[node] = r;
    importance[bestFeature] = (importance[bestFeature] as number) + Math.max(0, decrease);
    nSamples[l] = nl;
    nSamples[r] = m - nl;
    weight[l] = bestWL;
    weight[r] = wt - bestWL;
    positive[l] = bestPL;
    positive[r] = pt - bestPL;
    value[l] = bestPL / bestWL;
    value[r] = (pt - bestPL) / (wt - bestWL);

    // Stable partition of every feature's range into [left rows | right rows].
    const splitBase = bestFeature * n;
    for (let i = start; i < end; i++) goLeft[sorted[splitBase + i] as number] = i <= bestPos ? 1 : 0;
    for (let f = 0; f < d; f++) {
      if (f === bestFeature) continue;
      const base = f * n;
      let li = start;
      let ri = 0;
      for (let i = start; i < end; i++) {
        const row = sorted[base + i] as number;
        if (goLeft[row] === 1) sorted[base + li++] = row;
        else scratch[ri++] = row;
      }
      sorted.set(scratch.subarray(0, ri), base + li);
    }
    stack.push(r, start + nl, depth + 1, l, start, depth + 1);
  }

  let impSum = 0;
  for (let f = 0; f < d; f++) impSum += importance[f] as number;
  if (impSum > 0) for (let f = 0; f < d; f++) importance[f] = (importance[f] as number) / impSum;

  const tree: FlatTree = {
    nFeatures: d,
    feature: feature.slice(0, count),
    threshold: threshold.slice(0, count),
    left: left.slice(0, count),
    right: right.slice(0, count),
    missingLeft: new Uint8Array(count),
    value: value.slice(0, count),
    nSamples: nSamples.slice(0, count),
    weight: weight.slice(0, count),
  };
  return new CartClassifier(tree, importance);
}
