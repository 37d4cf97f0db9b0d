import { Rng } from '../../rng.js';
import { type BinaryClassifier, type SerializedModel, type TrainingSet, assertDesignMatrix } from '../types.js';
import { type BinMapper, binMatrix, fitBinMapper } from './binning.js';
import { checkTrainingSet } from './check-training-set.js';
import { type FlatTree, type FlatTreeJSON, flatTreeFromJSON, flatTreeToJSON, leafIndex, predictTree } from './flat-tree.js';

/** Hyper-parameters of {@link fitGbdt}. Defaults are close to XGBoost's `hist` method. */
export interface GbdtOptions {
  /** Boosting rounds (trees). Default 100. */
  nRounds?: number;
  /** Shrinkage η applied to every leaf weight. Default 0.1. */
  learningRate?: number;
  /** Maximum tree depth (root = 0). Default 6. */
  maxDepth?: number;
  /** Maximum leaves per tree; growth is leaf-wise (best gain first). Default 2^maxDepth. */
  maxLeaves?: number;
  /** Minimum training rows per leaf. Default 20. */
  minSamplesLeaf?: number;
  /** Minimum hessian sum per leaf (XGBoost `min_child_weight`). Default 1e-3. */
  minChildWeight?: number;
  /** L2 penalty λ on leaf weights. Default 1. */
  lambda?: number;
  /** Minimum split gain γ; a split must gain strictly more. Default 0. */
  minSplitGain?: number;
  /** Fraction of rows drawn (seeded Bernoulli) for each tree, in (0, 1]. Default 1. */
  subsample?: number;
  /** Value bins per feature, 2..255. Default 255. */
  maxBins?: number;
  /** Seed for binning samples and row subsampling. Default 0. */
  seed?: number;
  /** Held-out rows for early stopping on weighted log loss. */
  validation?: TrainingSet;
  /** Stop after this many rounds without a better validation loss, keeping the best round. Default 10. */
  earlyStoppingRounds?: number;
}

/** `Model.kind` of {@link GbdtClassifier}. */
export const GBDT_KIND = 'gbdt';

/** Weighted mean log loss of margins `F` (stable form: `log(1+e^{−|F|}) + max(F,0) − yF`). */
function logLossFromMargin(F: Float64Array, y: Float64Array, w: Float64Array): number {
  let s = 0;
  let ws = 0;
  for (let i = 0; i < F.length; i++) {
    const f = F[i] as number;
    const wi = w[i] as number;
    s += wi * (Math.log1p(Math.exp(-Math.abs(f))) + Math.max(f, 0) - (y[i] as number) * f);
    ws += wi;
  }
  return s / ws;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** A fitted gradient-boosted tree ensemble: `P(y=1|x) = σ(baseScore + Σ_t tree_t(x))`. */
export class GbdtClassifier implements BinaryClassifier {
  readonly kind = GBDT_KIND;
  readonly task = 'binary' as const;

  constructor(
    readonly nFeatures: number,
    /** Initial margin: the log-odds of the weighted class-1 rate. */
    readonly baseScore: number,
    /** Trees whose leaf values are learning-rate-scaled log-odds increments. */
    readonly trees: readonly FlatTree[],
    /** Total split gain per feature, normalised to sum to 1 (all 0 if no tree split). */
    readonly featureImportances: Float64Array,
    /** Validation log loss after each round trained (empty without a validation set). */
    readonly validationLoss: Float64Array = new Float64Array(0),
  ) {}

  /** Margins (log-odds) `baseScore + Σ tree(x)` per row. */
  predictMargin(X: Float64Array, nRows: number): Float64Array {
    assertDesignMatrix(this.kind, X, nRows, this.nFeatures);
    const out = new Float64Array(nRows).fill(this.baseScore);
    for (const tree of this.trees) predictTree(tree, X, nRows, out, true);
    return out;
  }

  /** P(y = 1 | x) per row: the sigmoid of {@link GbdtClassifier.predictMargin}. */
  predictProba(X: Float64Array, nRows: number): Float64Array {
    const out = this.predictMargin(X, nRows);
    for (let i = 0; i < nRows; i++) out[i] = sigmoid(out[i] as number);
    return out;
  }

  /** Plain-JSON form, inverted by {@link GbdtClassifier.fromJSON}. */
  toJSON(): SerializedModel<typeof GBDT_KIND, GbdtParams> {
    return {
      kind: GBDT_KIND,
      task: 'binary',
      nFeatures: this.nFeatures,
      params: {
        baseScore: this.baseScore,
        trees: this.trees.map(flatTreeToJSON),
        featureImportances: Array.from(this.featureImportances),
        validationLoss: Array.from(this.validationLoss),
      },
    };
  }

  /** Rebuilds an ensemble from {@link GbdtClassifier.toJSON} output. */
  static fromJSON(json: SerializedModel): GbdtClassifier {
    if (json.kind !== GBDT_KIND) throw new TypeError(`expected a '${GBDT_KIND}' model, got '${json.kind}'`);
    const p = json.params as GbdtParams;
    const trees = p.trees.map(flatTreeFromJSON);
    if (!Number.isFinite(p.baseScore) || trees.some((t) => t.nFeatures !== json.nFeatures)) {
      throw new RangeError(`gbdt JSON: base score ${p.baseScore} or a tree disagrees with nFeatures = ${json.nFeatures}`);
    }
    return new GbdtClassifier(
      json.nFeatures,
      p.baseScore,
      trees,
      Float64Array.from(p.featureImportances),
      Float64Array.from(p.validationLoss),
    );
  }
}

/** Serialised parameters of a {@link GbdtClassifier}. */
export type GbdtParams = {
  baseScore: number;
  trees: FlatTreeJSON[];
  featureImportances: number[];
  validationLoss: number[];
};

/**
 * Values per histogram cell: gradient sum, hessian sum, row count. A histogram is one
 * `Float64Array` holding, feature after feature, one cell per value bin plus one for NaN, so a
 * one-hot column costs 3 cells, not 256 (smaller buffers to clear, subtract and scan).
 */
const CELL = 3;

/** Adds one row's (g, h, 1) to its bin of every feature. */
function addRow(hist: Float64Array, offsets: Int32Array, bins: Uint8Array, base: number, d: number, g: number, h: number): void {
  for (let f = 0; f < d; f++) {
    const idx = (offsets[f] as number) + (bins[base + f] as number) * CELL;
    hist[idx] = (hist[idx] as number) + g;
    hist[idx + 1] = (hist[idx + 1] as number) + h;
    hist[idx + 2] = (hist[idx + 2] as number) + 1;
  }
}

/**
 * Accumulates `(Σg, Σh, count)` per (feature, bin) over `rows[start..end)` into `hist`
 * (which must be zero). Row-major bins make each row one sequential read of `d` bytes. Four
 * rows per pass give the CPU four independent read-modify-write chains: measured ≈35% faster
 * than one row per pass in V8 (Node 20) on 32k × 100.
 */
function buildHistogram(
  hist: Float64Array,
  offsets: Int32Array,
  bins: Uint8Array,
  d: number,
  rows: Int32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  let k = start;
  for (; k + 3 < end; k += 4) {
    const r1 = rows[k] as number;
    const r2 = rows[k + 1] as number;
    const r3 = rows[k + 2] as number;
    const r4 = rows[k + 3] as number;
    const g1 = grad[r1] as number;
    const h1 = hess[r1] as number;
    const g2 = grad[r2] as number;
    const h2 = hess[r2] as number;
    const g3 = grad[r3] as number;
    const h3 = hess[r3] as number;
    const g4 = grad[r4] as number;
    const h4 = hess[r4] as number;
    const b1 = r1 * d;
    const b2 = r2 * d;
    const b3 = r3 * d;
    const b4 = r4 * d;
    for (let f = 0; f < d; f++) {
      const o = offsets[f] as number;
      const i1 = o + (bins[b1 + f] as number) * CELL;
      hist[i1] = (hist[i1] as number) + g1;
      hist[i1 + 1] = (hist[i1 + 1] as number) + h1;
      hist[i1 + 2] = (hist[i1 + 2] as number) + 1;
      const i2 = o + (bins[b2 + f] as number) * CELL;
      hist[i2] = (hist[i2] as number) + g2;
      hist[i2 + 1] = (hist[i2 + 1] as number) + h2;
      hist[i2 + 2] = (hist[i2 + 2] as number) + 1;
      const i3 = o + (bins[b3 + f] as number) * CELL;
      hist[i3] = (hist[i3] as number) + g3;
      hist[i3 + 1] = (hist[i3 + 1] as number) + h3;
      hist[i3 + 2] = (hist[i3 + 2] as number) + 1;
      const i4 = o + (bins[b4 + f] as number) * CELL;
      hist[i4] = (hist[i4] as number) + g4;
      hist[i4 + 1] = (hist[i4 + 1] as number) + h4;
      hist[i4 + 2] = (hist[i4 + 2] as number) + 1;
    }
  }
  for (; k < end; k++) {
    const r = rows[k] as number;
    addRow(hist, offsets, bins, r * d, d, grad[r] as number, hess[r] as number);
  }
}

/** Reusable histogram buffers: a tree holds at most one per open leaf. */
class HistogramPool {
  private readonly free: Float64Array[] = [];
  constructor(private readonly size: number) {}
  acquire(): Float64Array {
    const buf = this.free.pop();
    if (buf === undefined) return new Float64Array(this.size);
    buf.fill(0);
    return buf;
  }
  release(buf: Float64Array | null): void {
    if (buf !== null) this.free.push(buf);
  }
}

interface GrowerConfig {
  readonly d: number;
  readonly maxDepth: number;
  readonly maxLeaves: number;
  readonly minSamplesLeaf: number;
  readonly minChildWeight: number;
  readonly lambda: number;
  readonly minSplitGain: number;
  readonly learningRate: number;
}

/**
 * Grows one regression tree on (g, h) by leaf-wise histogram split search. Buffers live across
 * rounds. Per split, only the smaller child's histogram is built; the larger one is the parent
 * minus the smaller (the LightGBM histogram-subtraction trick), computed in the parent's buffer.
 */
class TreeGrower {
  private readonly pool: HistogramPool;
  // Per leaf slot.
  private readonly start: Int32Array;
  private readonly count: Int32Array;
  private readonly depth: Int32Array;
  private readonly node: Int32Array;
  private readonly sumG: Float64Array;
  private readonly sumH: Float64Array;
  private readonly hist: (Float64Array | null)[];
  private readonly bestGain: Float64Array;
  private readonly bestFeature: Int32Array;
  private readonly bestBin: Int32Array;
  private readonly bestMissingLeft: Uint8Array;
  private readonly bestGL: Float64Array;
  private readonly bestHL: Float64Array;
  private readonly bestCL: Int32Array;
  private readonly scratch: Int32Array;
  /** Value bins per feature; NaN's code is `nBins[f]`. */
  private readonly nBins: Int32Array;
  /** Start of feature f's cells in a histogram; `offsets[d]` is the histogram length. */
  private readonly offsets: Int32Array;

  constructor(
    private readonly cfg: GrowerConfig,
    private readonly mapper: BinMapper,
    private readonly bins: Uint8Array,
    nRows: number,
  ) {
    const L = cfg.maxLeaves;
    this.nBins = Int32Array.from(mapper.edges, (e) => e.length + 1);
    this.offsets = new Int32Array(cfg.d + 1);
    for (let f = 0; f < cfg.d; f++) this.offsets[f + 1] = (this.offsets[f] as number) + ((this.nBins[f] as number) + 1) * CELL;
    this.pool = new HistogramPool(this.offsets[cfg.d] as number);
    this.start = new Int32Array(L);
    this.count = new Int32Array(L);
    this.depth = new Int32Array(L);
    this.node = new Int32Array(L);
    this.sumG = new Float64Array(L);
    this.sumH = new Float64Array(L);
    this.hist = new Array<Float64Array | null>(L).fill(null);
    this.bestGain = new Float64Array(L);
    this.bestFeature = new Int32Array(L);
    this.bestBin = new Int32Array(L);
    this.bestMissingLeft = new Uint8Array(L);
    this.bestGL = new Float64Array(L);
    this.bestHL = new Float64Array(L);
    this.bestCL = new Int32Array(L);
    this.scratch = new Int32Array(nRows);
  }

  /** Whether a leaf may still be split (depth, size and hessian limits). */
  private splittable(depth: number, count: number, h: number): boolean {
    const c = this.cfg;
    return depth < c.maxDepth && count >= 2 * c.minSamplesLeaf && h >= 2 * c.minChildWeight;
  }

  /**
   * Best split of leaf `s` from its histogram: maximises
   * `G_L²/(H_L+λ) + G_R²/(H_R+λ)` over (feature, bin, missing direction) subject to the
   * per-child row and hessian minimums; stores gain `½[… − G²/(H+λ)]` or −∞ if none beats γ.
   */
  private findBestSplit(s: number): void {
    const { d, lambda, minSamplesLeaf, minChildWeight, minSplitGain } = this.cfg;
    const hist = this.hist[s] as Float64Array;
    const G = this.sumG[s] as number;
    const H = this.sumH[s] as number;
    const C = this.count[s] as number;
    let best = -Infinity;
    let bf = -1;
    let bb = -1;
    let bml = 0;
    let bgl = 0;
    let bhl = 0;
    let bcl = 0;
    for (let f = 0; f < d; f++) {
      const o = this.offsets[f] as number;
      const nb = this.nBins[f] as number;
      const mo = o + nb * CELL;
      const cm = hist[mo + 2] as number;
      for (let pass = cm > 0 ? 2 : 1, dir = 0; dir < pass; dir++) {
        // dir 0: missing rows go right; dir 1: missing rows go left.
        let gl = dir === 0 ? 0 : (hist[mo] as number);
        let hl = dir === 0 ? 0 : (hist[mo + 1] as number);
        let cl = dir === 0 ? 0 : cm;
        for (let b = 0; b < nb - 1; b++) {
          const i = o + b * CELL;
          const c = hist[i + 2] as number;
          gl += hist[i] as number;
          hl += hist[i + 1] as number;
          cl += c;
          if (cl < minSamplesLeaf || hl < minChildWeight) continue;
          const hr = H - hl;
          if (C - cl < minSamplesLeaf || hr < minChildWeight) break;
          const gr = G - gl;
          const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
          if (score > best) {
            best = score;
            bf = f;
            bb = b;
            bml = dir;
            bgl = gl;
            bhl = hl;
            bcl = cl;
          }
        }
      }
    }
    const gain = bf === -1 ? -Infinity : 0.5 * (best - (G * G) / (H + lambda));
    this.bestGain[s] = gain > minSplitGain && gain > 0 ? gain : -Infinity;
    this.bestFeature[s] = bf;
    this.bestBin[s] = bb;
    this.bestMissingLeft[s] = bml;
    this.bestGL[s] = bgl;
    this.bestHL[s] = bhl;
    this.bestCL[s] = bcl;
  }

  /**
   * Grows a tree over `rows[0..nRows)`, returns it and adds each row's leaf value to `score`.
   * `importance[f]` accumulates the gain of every split on feature f.
   */
  grow(rows: Int32Array, nRows: number, grad: Float64Array, hess: Float64Array, score: Float64Array, importance: Float64Array): FlatTree {
    const { d, maxLeaves, lambda, learningRate } = this.cfg;
    const maxNodes = 2 * maxLeaves - 1;
    const feature = new Int32Array(maxNodes).fill(-1);
    const threshold = new Float32Array(maxNodes);
    const left = new Int32Array(maxNodes).fill(-1);
    const right = new Int32Array(maxNodes).fill(-1);
    const missingLeft = new Uint8Array(maxNodes);
    const value = new Float64Array(maxNodes);
    const nSamples = new Int32Array(maxNodes);
    const weight = new Float64Array(maxNodes);

    let G = 0;
    let H = 0;
    for (let k = 0; k < nRows; k++) {
      const r = rows[k] as number;
      G += grad[r] as number;
      H += hess[r] as number;
    }
    let nodes = 1;
    let leaves = 1;
    this.start[0] = 0;
    this.count[0] = nRows;
    this.depth[0] = 0;
    this.node[0] = 0;
    this.sumG[0] = G;
    this.sumH[0] = H;
    this.bestGain[0] = -Infinity;
    if (maxLeaves > 1 && this.splittable(0, nRows, H)) {
      const h = this.pool.acquire();
      buildHistogram(h, this.offsets, this.bins, d, rows, 0, nRows, grad, hess);
      this.hist[0] = h;
      this.findBestSplit(0);
    }

    while (leaves < maxLeaves) {
      let s = -1;
      let bestGain = -Infinity;
      for (let i = 0; i < leaves; i++) {
        if ((this.bestGain[i] as number) > bestGain) {
          bestGain = this.bestGain[i] as number;
          s = i;
        }
      }
      if (s === -1) break;
      const f = this.bestFeature[s] as number;
      const b = this.bestBin[s] as number;
      const ml = this.bestMissingLeft[s] as number;
      const st = this.start[s] as number;
      const cnt = this.count[s] as number;

      const missingCode = this.nBins[f] as number;
      // Stable partition of the leaf's rows: left rows stay in place, right rows via scratch.
      let li = st;
      let ri = 0;
      for (let k = st, end = st + cnt; k < end; k++) {
        const r = rows[k] as number;
        const code = this.bins[r * d + f] as number;
        if (code === missingCode ? ml === 1 : code <= b) rows[li++] = r;
        else this.scratch[ri++] = r;
      }
      rows.set(this.scratch.subarray(0, ri), li);
      const nl = li - st;

      const parentNode = this.node[s] as number;
      const l = nodes++;
      const r = nodes++;
      feature[parentNode] = f;
      // b ≤ nBins − 2, so edge b exists: the cut is `fround(x) < edges[f][b]`.
      threshold[parentNode] = (this.mapper.edges[f] as Float32Array)[b] as number;
      missingLeft[parentNode] = ml;
      left[parentNode] = l;
      right[parentNode] = r;
      importance[f] = (importance[f] as number) + bestGain;

      // Slot s becomes the left child, slot `leaves` the right child.
      const t = leaves++;
      const depth = (this.depth[s] as number) + 1;
      const gs = this.sumG[s] as number;
      const hs = this.sumH[s] as number;
      this.sumG[t] = gs - (this.bestGL[s] as number);
      this.sumH[t] = hs - (this.bestHL[s] as number);
      this.sumG[s] = this.bestGL[s] as number;
      this.sumH[s] = this.bestHL[s] as number;
      this.start[t] = st + nl;
      this.count[t] = cnt - nl;
      this.count[s] = nl;
      this.depth[s] = depth;
      this.depth[t] = depth;
      this.node[s] = l;
      this.node[t] = r;
      this.bestGain[s] = -Infinity;
      this.bestGain[t] = -Infinity;

      const parentHist = this.hist[s] as Float64Array;
      this.hist[s] = null;
      const more = leaves < maxLeaves;
      const splitL = more && this.splittable(depth, nl, this.sumH[s] as number);
      const splitR = more && this.splittable(depth, cnt - nl, this.sumH[t] as number);
      if (!splitL && !splitR) {
        this.pool.release(parentHist);
        continue;
      }
      const small = nl <= cnt - nl ? s : t;
      const large = small === s ? t : s;
      const smallHist = this.pool.acquire();
      buildHistogram(smallHist, this.offsets, this.bins, d, rows, this.start[small] as number, (this.start[small] as number) + (this.count[small] as number), grad, hess);
      const needLarge = large === s ? splitL : splitR;
      if (needLarge) {
        for (let i = 0; i < parentHist.length; i++) parentHist[i] = (parentHist[i] as number) - (smallHist[i] as number);
        this.hist[large] = parentHist;
      } else {
        this.pool.release(parentHist);
      }
      this.hist[small] = smallHist;
      for (const c of [s, t]) {
        if (c === s ? splitL : splitR) this.findBestSplit(c);
        else {
          this.pool.release(this.hist[c] ?? null);
          this.hist[c] = null;
        }
      }
    }

    // Leaf weights w* = −G/(H+λ) (Chen & Guestrin 2016, eq. 5), shrunk by η; add them to the scores.
    for (let i = 0; i < leaves; i++) {
      this.pool.release(this.hist[i] ?? null);
      this.hist[i] = null;
      const v = (-learningRate * (this.sumG[i] as number)) / ((this.sumH[i] as number) + lambda);
      const node = this.node[i] as number;
      value[node] = v;
      nSamples[node] = this.count[i] as number;
      weight[node] = this.sumH[i] as number;
      for (let k = this.start[i] as number, end = k + (this.count[i] as number); k < end; k++) {
        const row = rows[k] as number;
        score[row] = (score[row] as number) + v;
      }
    }
    // Internal nodes: sums of their children (children have larger indices, so walk backwards).
    for (let node = nodes - 1; node >= 0; node--) {
      const l = left[node] as number;
      if (l === -1) continue;
      const r = right[node] as number;
      nSamples[node] = (nSamples[l] as number) + (nSamples[r] as number);
      weight[node] = (weight[l] as number) + (weight[r] as number);
    }
    return {
      nFeatures: d,
      feature: feature.slice(0, nodes),
      threshold: threshold.slice(0, nodes),
      left: left.slice(0, nodes),
      right: right.slice(0, nodes),
      missingLeft: missingLeft.slice(0, nodes),
      value: value.slice(0, nodes),
      nSamples: nSamples.slice(0, nodes),
      weight: weight.slice(0, nodes),
    };
  }
}

function positiveInteger(name: string, v: number, allowInfinity = false): void {
  if (!((Number.isInteger(v) || (allowInfinity && v === Infinity)) && v >= 1)) throw new RangeError(`gbdt: ${name} must be an integer ≥ 1, got ${v}`);
}

/**
 * Fits gradient-boosted trees for binary log loss (Friedman 2001; second-order boosting of
 * XGBoost, Chen & Guestrin 2016, with histogram split search as in LightGBM, Ke et al. 2017).
 *
 * Margin `F = baseScore + Σ_t f_t(x)`, `p = σ(F)`; per row `g = w(p − y)`, `h = w·p(1 − p)`.
 * Each tree is grown leaf-wise (the leaf with the largest gain is split next) up to `maxDepth`
 * and `maxLeaves`; split gain `½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)]`, leaf weight
 * `−η·G/(H+λ)`. Features are binned once into ≤ 255 quantile bins (`Uint8Array`); NaN gets its
 * own bin and each split learns whether NaN goes left or right (the side with the better gain;
 * right when the node saw no NaN). Gain importance: total split gain per feature of the kept
 * trees, normalised to sum 1. With a validation set, training stops after `earlyStoppingRounds`
 * rounds without a lower validation log loss and the ensemble is cut back to its best round.
 */
export function fitGbdt(data: TrainingSet, options: GbdtOptions = {}): GbdtClassifier {
  const {
    nRounds = 100,
    learningRate = 0.1,
    maxDepth = 6,
    minSamplesLeaf = 20,
    minChildWeight = 1e-3,
    lambda = 1,
    minSplitGain = 0,
    subsample = 1,
    maxBins = 255,
    seed = 0,
    validation,
    earlyStoppingRounds = 10,
  } = options;
  positiveInteger('nRounds', nRounds);
  positiveInteger('maxDepth', maxDepth);
  positiveInteger('minSamplesLeaf', minSamplesLeaf);
  positiveInteger('earlyStoppingRounds', earlyStoppingRounds);
  const maxLeaves = Math.min(options.maxLeaves ?? Infinity, 2 ** Math.min(maxDepth, 20), data.nRows);
  positiveInteger('maxLeaves', maxLeaves);
  if (!(learningRate > 0)) throw new RangeError(`gbdt: learningRate must be > 0, got ${learningRate}`);
  if (!(lambda >= 0)) throw new RangeError(`gbdt: lambda must be ≥ 0, got ${lambda}`);
  if (!(minChildWeight >= 0)) throw new RangeError(`gbdt: minChildWeight must be ≥ 0, got ${minChildWeight}`);
  if (!(minSplitGain >= 0)) throw new RangeError(`gbdt: minSplitGain must be ≥ 0, got ${minSplitGain}`);
  if (!(subsample > 0 && subsample <= 1)) throw new RangeError(`gbdt: subsample must be in (0, 1], got ${subsample}`);

  const w = checkTrainingSet('gbdt', data, true);
  const { X, nRows: n, nFeatures: d, y } = data;
  let valW: Float64Array | undefined;
  if (validation !== undefined) {
    valW = checkTrainingSet('gbdt validation', validation, true);
    if (validation.nFeatures !== d) throw new RangeError(`gbdt: validation has ${validation.nFeatures} features, training has ${d}`);
  }

  const rng = new Rng(seed);
  const mapper = fitBinMapper(X, n, d, { maxBins, seed: rng.uint32() });
  const bins = binMatrix(mapper, X, n);
  const grower = new TreeGrower({ d, maxDepth, maxLeaves, minSamplesLeaf, minChildWeight, lambda, minSplitGain, learningRate }, mapper, bins, n);

  let sw = 0;
  let sp = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i] as number;
    sp += (w[i] as number) * (y[i] as number);
  }
  const rate = Math.min(Math.max(sp / sw, 1e-15), 1 - 1e-15);
  const baseScore = Math.log(rate / (1 - rate));

  const score = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const rows = new Int32Array(n);
  const inSample = new Uint8Array(n);
  const valScore = validation ? new Float64Array(validation.nRows).fill(baseScore) : undefined;
  const valLoss: number[] = [];
  const trees: FlatTree[] = [];
  const treeImportance: Float64Array[] = [];
  let bestLoss = Infinity;
  let bestRound = -1;

  for (let round = 0; round < nRounds; round++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(score[i] as number);
      const wi = w[i] as number;
      grad[i] = wi * (p - (y[i] as number));
      hess[i] = wi * p * (1 - p);
    }
    let m = 0;
    if (subsample < 1) {
      for (let i = 0; i < n; i++) {
        const take = rng.next() < subsample;
        inSample[i] = take ? 1 : 0;
        if (take) rows[m++] = i;
      }
      if (m === 0) rows[m++] = rng.int(n);
    } else {
      for (let i = 0; i < n; i++) rows[i] = i;
      m = n;
    }
    const importance = new Float64Array(d);
    const tree = grower.grow(rows, m, grad, hess, score, importance);
    if (subsample < 1) {
      // Rows outside the sample still need this tree's output for the next gradients.
      for (let i = 0; i < n; i++) if (inSample[i] === 0) score[i] = (score[i] as number) + (tree.value[leafIndex(tree, X, i)] as number);
    }
    trees.push(tree);
    treeImportance.push(importance);

    if (validation !== undefined && valScore !== undefined && valW !== undefined) {
      predictTree(tree, validation.X, validation.nRows, valScore, true);
      const loss = logLossFromMargin(valScore, validation.y, valW);
      valLoss.push(loss);
      if (loss < bestLoss) {
        bestLoss = loss;
        bestRound = round;
      } else if (round - bestRound >= earlyStoppingRounds) {
        break;
      }
    }
  }
  const kept = validation !== undefined ? bestRound + 1 : trees.length;
  const importance = new Float64Array(d);
  for (let t = 0; t < kept; t++) {
    const imp = treeImportance[t] as Float64Array;
    for (let f = 0; f < d; f++) importance[f] = (importance[f] as number) + (imp[f] as number);
  }
  let total = 0;
  for (let f = 0; f < d; f++) total += importance[f] as number;
  if (total > 0) for (let f = 0; f < d; f++) importance[f] = (importance[f] as number) / total;
  return new GbdtClassifier(d, baseScore, trees.slice(0, kept), importance, Float64Array.from(valLoss));
}
