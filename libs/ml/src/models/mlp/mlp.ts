import { Rng } from '../../rng.js';
import { checkTrainingSet } from '../trees/check-training-set.js';
import { type BinaryClassifier, type SerializedModel, type TrainingSet, assertDesignMatrix } from '../types.js';

/** Hyper-parameters of {@link fitMlp}. */
export interface MlpOptions {
  /** Widths of the 1 or 2 ReLU hidden layers. Default `[32]`. */
  hiddenLayers?: readonly number[];
  /** Adam step size α. Default 1e-3. */
  learningRate?: number;
  /** Adam β₁. Default 0.9. */
  beta1?: number;
  /** Adam β₂. Default 0.999. */
  beta2?: number;
  /** Adam ε. Default 1e-8. */
  epsilon?: number;
  /** Rows per mini-batch (the last batch of an epoch may be smaller). Default 64. */
  batchSize?: number;
  /** Maximum passes over the training rows. Default 200. */
  maxEpochs?: number;
  /** L2 penalty: the loss adds `(l2 / 2) · Σ W²` over weights (not biases). Default 1e-4. */
  l2?: number;
  /** Held-out rows for early stopping. Default: a seeded `validationFraction` of the training rows. */
  validation?: TrainingSet;
  /** Fraction held out when no `validation` is given; 0 disables early stopping. Default 0.1. */
  validationFraction?: number;
  /** Stop after this many epochs without the validation loss improving by more than `tolerance`. Default 10. */
  patience?: number;
  /** Minimum validation-loss decrease that counts as an improvement. Default 1e-4. */
  tolerance?: number;
  /** Seed for initialisation, the validation split and batch shuffling. Default 0. */
  seed?: number;
}

/** One dense layer viewed inside the flat parameter vector: `out = in · W + b`, W row-major `in × out`. */
export interface DenseLayer {
  readonly inSize: number;
  readonly outSize: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/** Offsets of each layer's W and b in the flat parameter vector (W₀, b₀, W₁, b₁, …). */
function layerOffsets(sizes: readonly number[]): { w: number[]; b: number[]; total: number } {
  const w: number[] = [];
  const b: number[] = [];
  let o = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    w.push(o);
    o += (sizes[l] as number) * (sizes[l + 1] as number);
    b.push(o);
    o += sizes[l + 1] as number;
  }
  return { w, b, total: o };
}

/** Number of parameters of a network with layer widths `sizes` (input, hidden…, 1). */
export function mlpParameterCount(sizes: readonly number[]): number {
  return layerOffsets(sizes).total;
}

/** Dense layers of a flat parameter vector (views, not copies). */
export function mlpLayers(sizes: readonly number[], theta: Float64Array): DenseLayer[] {
  const { w, b } = layerOffsets(sizes);
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inSize = sizes[l] as number;
    const outSize = sizes[l + 1] as number;
    layers.push({
      inSize,
      outSize,
      weights: theta.subarray(w[l] as number, (w[l] as number) + inSize * outSize),
      bias: theta.subarray(b[l] as number, (b[l] as number) + outSize),
    });
  }
  return layers;
}

/**
 * Scratch buffers for a forward/backward pass over at most `capacity` rows: pre-activations
 * `z[l]` and activations `a[l]` for every non-input layer, and their gradients. Allocate once
 * per training run and pass to {@link mlpLossAndGradient} to avoid per-batch allocation.
 */
export class MlpWorkspace {
  readonly z: Float64Array[];
  readonly a: Float64Array[];
  readonly dz: Float64Array[];
  constructor(
    readonly sizes: readonly number[],
    readonly capacity: number,
  ) {
    this.z = sizes.slice(1).map((s) => new Float64Array(capacity * s));
    this.a = sizes.slice(1).map((s) => new Float64Array(capacity * s));
    this.dz = sizes.slice(1).map((s) => new Float64Array(capacity * s));
  }
}

/**
 * Forward pass for rows `rows[from..from+m)` (or rows `from..from+m` when `rows` is null) of
 * the row-major matrix `X`; returns nothing, leaves `ws.z`/`ws.a` filled (last layer: logits
 * in `z`, probabilities in `a`).
 */
function forward(sizes: readonly number[], theta: Float64Array, X: Float64Array, rows: Int32Array | null, from: number, m: number, ws: MlpWorkspace): void {
  const { w: wOff, b: bOff } = layerOffsets(sizes);
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    const wo = wOff[l] as number;
    const bo = bOff[l] as number;
    const z = ws.z[l] as Float64Array;
    const a = ws.a[l] as Float64Array;
    const prev = l === 0 ? X : (ws.a[l - 1] as Float64Array);
    for (let i = 0; i < m; i++) {
      const inBase = l === 0 ? (rows === null ? from + i : (rows[from + i] as number)) * nIn : i * nIn;
      const outBase = i * nOut;
      for (let j = 0; j < nOut; j++) z[outBase + j] = theta[bo + j] as number;
      for (let k = 0; k < nIn; k++) {
        const v = prev[inBase + k] as number;
        if (v === 0) continue; // ReLU zeros and one-hot zeros are common
        const wRow = wo + k * nOut;
        for (let j = 0; j < nOut; j++) z[outBase + j] = (z[outBase + j] as number) + v * (theta[wRow + j] as number);
      }
      if (l < L - 1) {
        for (let j = 0; j < nOut; j++) {
          const v = z[outBase + j] as number;
          a[outBase + j] = v > 0 ? v : 0;
        }
      } else {
        const v = z[outBase] as number;
        a[outBase] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      }
    }
  }
}

/** Stable per-row log loss from a logit: `log(1+e^{−|z|}) + max(z,0) − y·z`. */
function logLoss(z: number, y: number): number {
  return Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - y * z;
}

/**
 * Loss and gradient of the network on rows `rows[from..from+m)`:
 * `L(θ) = Σᵢ wᵢ·ℓ(yᵢ, σ(zᵢ)) / Σᵢ wᵢ + (l2/2)·Σ W²` (biases unpenalised), by backpropagation
 * (Rumelhart, Hinton & Williams 1986): for the sigmoid output with log loss, `∂ℓ/∂z = p − y`;
 * through ReLU, `∂/∂z = ∂/∂a · [z > 0]`. Writes the gradient into `grad` and returns L.
 */
export function mlpLossAndGradient(
  sizes: readonly number[],
  theta: Float64Array,
  X: Float64Array,
  y: Float64Array,
  w: Float64Array,
  rows: Int32Array | null,
  from: number,
  m: number,
  l2: number,
  grad: Float64Array,
  workspace?: MlpWorkspace,
): number {
  const ws = workspace ?? new MlpWorkspace(sizes, m);
  forward(sizes, theta, X, rows, from, m, ws);
  const { w: wOff, b: bOff } = layerOffsets(sizes);
  const L = sizes.length - 1;
  grad.fill(0);
  let sw = 0;
  for (let i = 0; i < m; i++) sw += w[rows === null ? from + i : (rows[from + i] as number)] as number;
  if (!(sw > 0)) sw = 1; // an all-zero-weight batch contributes no gradient, only the penalty
  let loss = 0;
  const zOut = ws.z[L - 1] as Float64Array;
  const pOut = ws.a[L - 1] as Float64Array;
  const dOut = ws.dz[L - 1] as Float64Array;
  for (let i = 0; i < m; i++) {
    const r = rows === null ? from + i : (rows[from + i] as number);
    const wi = (w[r] as number) / sw;
    const yi = y[r] as number;
    loss += wi * logLoss(zOut[i] as number, yi);
    dOut[i] = wi * ((pOut[i] as number) - yi);
  }
  for (let l = L - 1; l >= 0; l--) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    const wo = wOff[l] as number;
    const bo = bOff[l] as number;
    const dz = ws.dz[l] as Float64Array;
    const prev = l === 0 ? X : (ws.a[l - 1] as Float64Array);
    for (let i = 0; i < m; i++) {
      const inBase = l === 0 ? (rows === null ? from + i : (rows[from + i] as number)) * nIn : i * nIn;
      const outBase = i * nOut;
      for (let j = 0; j < nOut; j++) grad[bo + j] = (grad[bo + j] as number) + (dz[outBase + j] as number);
      for (let k = 0; k < nIn; k++) {
        const v = prev[inBase + k] as number;
        if (v === 0) continue;
        const wRow = wo + k * nOut;
        for (let j = 0; j < nOut; j++) grad[wRow + j] = (grad[wRow + j] as number) + v * (dz[outBase + j] as number);
      }
    }
    if (l > 0) {
      // dA_{l-1} = dZ_l · W_lᵀ, then through the ReLU of layer l−1.
      const dzPrev = ws.dz[l - 1] as Float64Array;
      const zPrev = ws.z[l - 1] as Float64Array;
      for (let i = 0; i < m; i++) {
        const outBase = i * nOut;
        const inBase = i * nIn;
        for (let k = 0; k < nIn; k++) {
          if (!((zPrev[inBase + k] as number) > 0)) {
            dzPrev[inBase + k] = 0;
            continue;
          }
          const wRow = wo + k * nOut;
          let s = 0;
          for (let j = 0; j < nOut; j++) s += (dz[outBase + j] as number) * (theta[wRow + j] as number);
          dzPrev[inBase + k] = s;
        }
      }
    }
  }
  if (l2 > 0) {
    for (let l = 0; l < L; l++) {
      const wo = wOff[l] as number;
      const end = wo + (sizes[l] as number) * (sizes[l + 1] as number);
      for (let k = wo; k < end; k++) {
        const t = theta[k] as number;
        loss += 0.5 * l2 * t * t;
        grad[k] = (grad[k] as number) + l2 * t;
      }
    }
  }
  return loss;
}

/** `Model.kind` of {@link MlpClassifier}. */
export const MLP_KIND = 'mlp';

/** Rows per chunk when predicting, so scratch memory stays bounded for any input size. */
const PREDICT_CHUNK = 512;

/** A fitted multi-layer perceptron: ReLU hidden layers, sigmoid output. */
export class MlpClassifier implements BinaryClassifier {
  readonly kind = MLP_KIND;
  readonly task = 'binary' as const;
  private workspace: MlpWorkspace | undefined;

  constructor(
    /** Layer widths: `[nFeatures, hidden…, 1]`. */
    readonly sizes: readonly number[],
    /** Flat parameters W₀, b₀, W₁, b₁, … (see {@link mlpLayers}). */
    readonly theta: Float64Array,
    /** Validation log loss per epoch trained (empty without early stopping). */
    readonly validationLoss: Float64Array = new Float64Array(0),
  ) {
    if (sizes.length < 2 || sizes[sizes.length - 1] !== 1) throw new RangeError(`mlp: layer sizes must end in 1, got [${sizes.join(', ')}]`);
    if (theta.length !== mlpParameterCount(sizes)) {
      throw new RangeError(`mlp: ${theta.length} parameters do not fit layer sizes [${sizes.join(', ')}]`);
    }
  }

  get nFeatures(): number {
    return this.sizes[0] as number;
  }

  /** The dense layers (views into {@link MlpClassifier.theta}), input first. */
  get layers(): DenseLayer[] {
    return mlpLayers(this.sizes, this.theta);
  }

  /** P(y = 1 | x) = σ(W_L·ReLU(…ReLU(W₁x + b₁)…) + b_L) per row. */
  predictProba(X: Float64Array, nRows: number): Float64Array {
    assertDesignMatrix(this.kind, X, nRows, this.nFeatures);
    this.workspace ??= new MlpWorkspace(this.sizes, PREDICT_CHUNK);
    const ws = this.workspace;
    const out = new Float64Array(nRows);
    const p = ws.a[ws.a.length - 1] as Float64Array;
    for (let from = 0; from < nRows; from += PREDICT_CHUNK) {
      const m = Math.min(PREDICT_CHUNK, nRows - from);
      forward(this.sizes, this.theta, X, null, from, m, ws);
      out.set(p.subarray(0, m), from);
    }
    return out;
  }

  /** Plain-JSON form, inverted by {@link MlpClassifier.fromJSON}. */
  toJSON(): SerializedModel<typeof MLP_KIND, MlpParams> {
    return {
      kind: MLP_KIND,
      task: 'binary',
      nFeatures: this.nFeatures,
      params: { sizes: [...this.sizes], theta: Array.from(this.theta), validationLoss: Array.from(this.validationLoss) },
    };
  }

  /** Rebuilds a network from {@link MlpClassifier.toJSON} output. */
  static fromJSON(json: SerializedModel): MlpClassifier {
    if (json.kind !== MLP_KIND) throw new TypeError(`expected an '${MLP_KIND}' model, got '${json.kind}'`);
    const p = json.params as MlpParams;
    return new MlpClassifier(p.sizes, Float64Array.from(p.theta), Float64Array.from(p.validationLoss));
  }
}

/** Serialised parameters of an {@link MlpClassifier}. */
export type MlpParams = {
  sizes: number[];
  theta: number[];
  validationLoss: number[];
};

/**
 * He initialisation (He et al. 2015, "Delving deep into rectifiers"): hidden weights
 * ~ N(0, 2/fan_in), which keeps ReLU activations' variance constant with depth; the sigmoid
 * output layer uses N(0, 1/fan_in) (LeCun/Glorot-style for a non-rectified unit). Biases 0.
 */
export function initMlpParameters(sizes: readonly number[], rng: Rng): Float64Array {
  const theta = new Float64Array(mlpParameterCount(sizes));
  const layers = mlpLayers(sizes, theta);
  layers.forEach((layer, l) => {
    const sd = Math.sqrt((l === layers.length - 1 ? 1 : 2) / layer.inSize);
    for (let k = 0; k < layer.weights.length; k++) layer.weights[k] = rng.normal(0, sd);
  });
  return theta;
}

function weightedLogLoss(p: Float64Array, y: Float64Array, w: Float64Array): number {
  let s = 0;
  let ws = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = Math.min(Math.max(p[i] as number, 1e-15), 1 - 1e-15);
    s -= (w[i] as number) * ((y[i] as number) * Math.log(pi) + (1 - (y[i] as number)) * Math.log(1 - pi));
    ws += w[i] as number;
  }
  return s / ws;
}

/**
 * Trains a binary MLP by mini-batch Adam (Kingma & Ba 2015, Algorithm 1: bias-corrected first
 * and second moment estimates, `θ ← θ − α·m̂/(√v̂ + ε)`) on the weighted mean log loss plus
 * `(l2/2)·Σ W²` (see {@link mlpLossAndGradient}). Batches are drawn from a seeded reshuffle
 * each epoch. Early stopping (Prechelt 1998): after each epoch the validation log loss is
 * measured; training stops after `patience` epochs without an improvement of more than
 * `tolerance` and the best parameters are restored.
 */
export function fitMlp(data: TrainingSet, options: MlpOptions = {}): MlpClassifier {
  const {
    hiddenLayers = [32],
    learningRate = 1e-3,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = 1e-8,
    batchSize = 64,
    maxEpochs = 200,
    l2 = 1e-4,
    validationFraction = 0.1,
    patience = 10,
    tolerance = 1e-4,
    seed = 0,
  } = options;
  if (hiddenLayers.length < 1 || hiddenLayers.length > 2 || hiddenLayers.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new RangeError(`mlp: hiddenLayers must be 1 or 2 positive integer widths, got [${hiddenLayers.join(', ')}]`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`mlp: batchSize must be an integer ≥ 1, got ${batchSize}`);
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new RangeError(`mlp: maxEpochs must be an integer ≥ 1, got ${maxEpochs}`);
  if (!Number.isInteger(patience) || patience < 1) throw new RangeError(`mlp: patience must be an integer ≥ 1, got ${patience}`);
  if (!(learningRate > 0)) throw new RangeError(`mlp: learningRate must be > 0, got ${learningRate}`);
  if (!(l2 >= 0)) throw new RangeError(`mlp: l2 must be ≥ 0, got ${l2}`);
  if (!(validationFraction >= 0 && validationFraction < 1)) throw new RangeError(`mlp: validationFraction must be in [0, 1), got ${validationFraction}`);
  const w = checkTrainingSet('mlp', data);
  const { X, nRows: n, nFeatures: d, y } = data;
  const rng = new Rng(seed);
  const sizes = [d, ...hiddenLayers, 1];

  // Training rows and the validation set (explicit, or a seeded hold-out of the training rows).
  let trainRows: Int32Array;
  let valX: Float64Array | undefined;
  let valY: Float64Array | undefined;
  let valW: Float64Array | undefined;
  let nVal = 0;
  if (options.validation !== undefined) {
    const v = options.validation;
    valW = checkTrainingSet('mlp validation', v);
    if (v.nFeatures !== d) throw new RangeError(`mlp: validation has ${v.nFeatures} features, training has ${d}`);
    trainRows = new Int32Array(n);
    for (let i = 0; i < n; i++) trainRows[i] = i;
    valX = v.X;
    valY = v.y;
    nVal = v.nRows;
  } else if (validationFraction > 0 && Math.floor(n * validationFraction) >= 1) {
    const perm = rng.derive('validation-split').permutation(n);
    nVal = Math.floor(n * validationFraction);
    const held = perm.subarray(0, nVal).sort();
    trainRows = perm.slice(nVal).sort();
    valX = new Float64Array(nVal * d);
    valY = new Float64Array(nVal);
    valW = new Float64Array(nVal);
    for (let k = 0; k < nVal; k++) {
      const r = held[k] as number;
      valX.set(X.subarray(r * d, r * d + d), k * d);
      valY[k] = y[r] as number;
      valW[k] = w[r] as number;
    }
  } else {
    trainRows = new Int32Array(n);
    for (let i = 0; i < n; i++) trainRows[i] = i;
  }
  const nTrain = trainRows.length;

  const theta = initMlpParameters(sizes, rng.derive('init'));
  const shuffler = rng.derive('batches');
  const P = theta.length;
  const grad = new Float64Array(P);
  const m1 = new Float64Array(P);
  const m2 = new Float64Array(P);
  const best = theta.slice();
  const ws = new MlpWorkspace(sizes, Math.min(batchSize, nTrain));
  const model = new MlpClassifier(sizes, theta);
  const valLoss: number[] = [];
  let bestLoss = Infinity;
  let sinceBest = 0;
  let step = 0;

  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    shuffler.shuffle<number, Int32Array>(trainRows);
    for (let from = 0; from < nTrain; from += batchSize) {
      const m = Math.min(batchSize, nTrain - from);
      mlpLossAndGradient(sizes, theta, X, y, w, trainRows, from, m, l2, grad, ws);
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      for (let k = 0; k < P; k++) {
        const g = grad[k] as number;
        const a = beta1 * (m1[k] as number) + (1 - beta1) * g;
        const b = beta2 * (m2[k] as number) + (1 - beta2) * g * g;
        m1[k] = a;
        m2[k] = b;
        theta[k] = (theta[k] as number) - (learningRate * (a / c1)) / (Math.sqrt(b / c2) + epsilon);
      }
    }
    if (valX === undefined || valY === undefined || valW === undefined) continue;
    const loss = weightedLogLoss(model.predictProba(valX, nVal), valY, valW);
    valLoss.push(loss);
    if (loss < bestLoss - tolerance) {
      bestLoss = loss;
      best.set(theta);
      sinceBest = 0;
    } else if (++sinceBest >= patience) {
      break;
    }
  }
  if (valX !== undefined) theta.set(best);
  return new MlpClassifier(sizes, theta, Float64Array.from(valLoss));
}
