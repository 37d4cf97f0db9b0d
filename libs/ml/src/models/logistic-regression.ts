/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS).
 *
 * Minimises  f(w, b) = Σᵢ sᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + (λ/2)‖w‖²,  zᵢ = xᵢᵀw + b,
 * with sample weights sᵢ and an unpenalised intercept b — the objective of scikit-learn's
 * `LogisticRegression(C = 1/λ)`. Each step solves (X̃ᵀDX̃ + λI′) δ = −∇f by Cholesky, with
 * D = diag(sᵢ pᵢ(1 − pᵢ)), then backtracks (Armijo) so f never increases beyond rounding
 * (Hastie, Tibshirani & Friedman, *Elements of Statistical Learning*, §4.4.1).
 * Cost per iteration O(n·d² + d³): meant for up to a few hundred design-matrix columns.
 *
 * Stopping. The fit stops when ‖∇f‖∞ ≤ tol·Σsᵢ, or when the Newton decrement
 * Δ² = ∇fᵀ(∇²f)⁻¹∇f says the step can no longer be verified on f: Δ²/2 is the decrease a
 * full Newton step predicts (Boyd & Vandenberghe, *Convex Optimization*, §9.5.1), and once it
 * is below the rounding error of the computed f (≈ √n·ε·f for a sum of n non-negative terms)
 * an Armijo test on f only compares rounding noise. The gradient test alone then stalls: on
 * ~40 one-hot columns and thousands of rows the last accepted step can leave ‖∇f‖∞ ≈ 1e-6,
 * just above tol·Σsᵢ, and every later step is refused by noise, so the fit ran to maxIter.
 * At that point the iterate is deep in Newton's quadratically convergent phase, so the full
 * step is taken without a line search and the fit stops after it: the gradient shrinks
 * quadratically once more, and f is within rounding of its minimum.
 */
import { checkWeights } from '../data/labels.js';
import {
  type BinaryClassifier,
  type SerializedModel,
  type TrainingSet,
  assertDesignMatrix,
} from './types.js';

/** Options for {@link fitLogisticRegression}. */
export interface LogisticRegressionOptions {
  /** L2 penalty λ on the coefficients (not the intercept); scikit-learn's C = 1/λ. Default 1. */
  readonly l2?: number;
  /** Fit an intercept. Default true. */
  readonly fitIntercept?: boolean;
  /** Stop when ‖∇f‖∞ ≤ tol · Σsᵢ. Default 1e-10. */
  readonly tol?: number;
  /** Newton iterations at most. Default 100. */
  readonly maxIter?: number;
}

/**
 * Why the Newton iterations stopped: `gradient` ‖∇f‖∞ ≤ tol·Σsᵢ; `rounding` after a full Newton
 * step whose predicted decrease Δ²/2 was below the rounding error of f (see the module
 * comment); `no-decrease` no step lowered f although the decrement predicted one (converged
 * only when ‖∇f‖∞ ≤ √tol·Σsᵢ); `max-iter` maxIter ran out.
 */
export type FitStop = 'gradient' | 'rounding' | 'no-decrease' | 'max-iter';

/** How the fit ended. */
export interface FitReport {
  /** Newton steps taken. */
  readonly iterations: number;
  readonly converged: boolean;
  readonly stop: FitStop;
  /** ‖∇f‖∞ at the returned parameters. */
  readonly gradientNorm: number;
  /** Objective f at the returned parameters. */
  readonly objective: number;
}

/** Serialised parameters of a logistic regression (a type alias so it is assignable to JsonValue). */
export type LogisticRegressionParams = {
  coef: number[];
  intercept: number;
  l2: number;
  fit: { iterations: number; converged: boolean; stop: FitStop; gradientNorm: number; objective: number } | null;
};

export const LOGISTIC_REGRESSION_KIND = 'logistic-regression';

/** Logistic function σ(z) = 1 / (1 + e^{−z}), evaluated without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** A fitted logistic regression: P(y = 1 | x) = σ(xᵀw + b). */
export class LogisticRegressionModel implements BinaryClassifier {
  readonly kind = LOGISTIC_REGRESSION_KIND;
  readonly task = 'binary' as const;
  readonly nFeatures: number;

  constructor(
    readonly coef: Float64Array,
    readonly intercept: number,
    readonly l2 = 0,
    readonly report: FitReport | null = null,
  ) {
    this.nFeatures = coef.length;
  }

  /** Rebuilds a model from {@link LogisticRegressionModel.toJSON} output. */
  static fromJSON(json: SerializedModel): LogisticRegressionModel {
    if (json.kind !== LOGISTIC_REGRESSION_KIND) throw new Error(`expected kind '${LOGISTIC_REGRESSION_KIND}', got '${json.kind}'`);
    const p = json.params;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new Error('logistic-regression: params must be an object');
    const coef = p['coef'];
    const intercept = p['intercept'];
    const l2 = p['l2'];
    if (!Array.isArray(coef) || !coef.every((c): c is number => typeof c === 'number') || typeof intercept !== 'number') {
      throw new Error('logistic-regression: params need numeric coef[] and intercept');
    }
    if (coef.length !== json.nFeatures) {
      throw new Error(`logistic-regression: ${coef.length} coefficients for nFeatures ${json.nFeatures}`);
    }
    return new LogisticRegressionModel(Float64Array.from(coef), intercept, typeof l2 === 'number' ? l2 : 0);
  }

  /** Linear scores zᵢ = xᵢᵀw + b (log-odds) for each row. */
  decisionFunction(X: Float64Array, nRows: number): Float64Array {
    assertDesignMatrix(this.kind, X, nRows, this.nFeatures);
    const d = this.nFeatures;
    const z = new Float64Array(nRows);
    for (let i = 0; i < nRows; i++) {
      let s = this.intercept;
      const base = i * d;
      for (let j = 0; j < d; j++) s += (X[base + j] as number) * (this.coef[j] as number);
      z[i] = s;
    }
    return z;
  }

  /** P(y = 1 | xᵢ) = σ(zᵢ) for each row. */
  predictProba(X: Float64Array, nRows: number): Float64Array {
    const z = this.decisionFunction(X, nRows);
    for (let i = 0; i < nRows; i++) z[i] = sigmoid(z[i] as number);
    return z;
  }

  /** Serialisable parameters and fit report. */
  toJSON(): SerializedModel<typeof LOGISTIC_REGRESSION_KIND, LogisticRegressionParams> {
    return {
      kind: this.kind,
      task: this.task,
      nFeatures: this.nFeatures,
      params: {
        coef: Array.from(this.coef),
        intercept: this.intercept,
        l2: this.l2,
        fit: this.report === null ? null : { ...this.report },
      },
    };
  }
}

/**
 * Fits an L2-regularised logistic regression by damped Newton / IRLS (see the module comment).
 * With λ = 0 on separable data the optimum is at infinity: a tiny ridge keeps each solve
 * defined, and the report says `converged: false` when maxIter runs out.
 */
export function fitLogisticRegression(data: TrainingSet, options: LogisticRegressionOptions = {}): LogisticRegressionModel {
  const { l2 = 1, fitIntercept = true, tol = 1e-10, maxIter = 100 } = options;
  const { X, nRows: n, nFeatures: d, y, sampleWeight } = data;
  const kind = LOGISTIC_REGRESSION_KIND;
  assertDesignMatrix(kind, X, n, d);
  if (n < 1) throw new RangeError(`${kind}: no training rows`);
  if (y.length !== n) throw new RangeError(`${kind}: ${y.length} labels for ${n} rows`);
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new RangeError(`${kind}: y[${i}] = ${y[i]}, labels must be 0 or 1`);
  }
  for (let k = 0; k < X.length; k++) {
    if (!Number.isFinite(X[k] as number)) throw new RangeError(`${kind}: X holds ${X[k]} at row ${Math.floor(k / d)}, column ${k % d}`);
  }
  if (!(l2 >= 0) || !Number.isFinite(l2)) throw new RangeError(`${kind}: l2 must be finite and ≥ 0, got ${l2}`);
  checkWeights(sampleWeight, n, kind);
  let totalWeight = n;
  if (sampleWeight !== undefined) totalWeight = sampleWeight.reduce((a, b) => a + b, 0);

  // Parameter vector θ = [w_0 … w_{d−1}, b]; m = d + 1 (b pinned to 0 without an intercept).
  const m = d + 1;
  const theta = new Float64Array(m);
  if (fitIntercept) {
    // Start at the weighted base rate's log-odds: one fewer Newton step on imbalanced data.
    let pos = 0;
    for (let i = 0; i < n; i++) pos += (sampleWeight?.[i] ?? 1) * (y[i] as number);
    const rate = Math.min(Math.max(pos / totalWeight, 1e-6), 1 - 1e-6);
    theta[d] = Math.log(rate / (1 - rate));
  }
  const z = new Float64Array(n);
  /** sᵢ pᵢ(1 − pᵢ) at the current iterate: the weights of the Hessian. */
  const curvature = new Float64Array(n);
  const grad = new Float64Array(m);
  const hess = new Float64Array(m * m);
  const step = new Float64Array(m);
  const trial = new Float64Array(m);

  const objective = (t: Float64Array, zOut: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let s = t[d] as number;
      const base = i * d;
      for (let j = 0; j < d; j++) s += (X[base + j] as number) * (t[j] as number);
      zOut[i] = s;
      f += (sampleWeight?.[i] ?? 1) * (softplus(s) - (y[i] as number) * s);
    }
    let r = 0;
    for (let j = 0; j < d; j++) r += (t[j] as number) ** 2;
    return f + 0.5 * l2 * r;
  };

  /** ∇f at the iterate whose scores are in z, and the Hessian weights; returns ‖∇f‖∞. */
  const gradient = (): number => {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const s = sampleWeight?.[i] ?? 1;
      const p = sigmoid(z[i] as number);
      curvature[i] = s * p * (1 - p);
      if (s === 0) continue;
      const r = s * (p - (y[i] as number));
      const base = i * d;
      for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) + r * (X[base + j] as number);
      grad[d] = (grad[d] as number) + r;
    }
    for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) + l2 * (theta[j] as number);
    if (!fitIntercept) grad[d] = 0;
    let norm = 0;
    for (let j = 0; j < m; j++) norm = Math.max(norm, Math.abs(grad[j] as number));
    return norm;
  };

  /** ∇²f from the weights {@link gradient} left (upper triangle, then mirrored). */
  const hessian = (): void => {
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const h = curvature[i] as number;
      if (h === 0) continue;
      const base = i * d;
      for (let j = 0; j < d; j++) {
        const xj = X[base + j] as number;
        if (xj === 0) continue; // one-hot columns are mostly zero
        const hx = h * xj;
        const row = j * m;
        for (let k = j; k < d; k++) hess[row + k] = (hess[row + k] as number) + hx * (X[base + k] as number);
        hess[row + d] = (hess[row + d] as number) + hx;
      }
      hess[d * m + d] = (hess[d * m + d] as number) + h;
    }
    for (let j = 0; j < d; j++) hess[j * m + j] = (hess[j * m + j] as number) + l2;
    if (!fitIntercept) {
      for (let j = 0; j < m; j++) hess[j * m + d] = 0;
      hess[d * m + d] = 1;
    }
    for (let j = 0; j < m; j++) for (let k = j + 1; k < m; k++) hess[k * m + j] = hess[j * m + k] as number;
  };

  // Rounding error of the computed f relative to f (module comment): a sum of n non-negative
  // terms, evaluated twice when two iterates are compared.
  const roundingLevel = 2 * Math.sqrt(n) * Number.EPSILON;

  let f = objective(theta, z);
  let iterations = 0;
  let stop: FitStop = 'max-iter';
  let gradientNorm = Number.POSITIVE_INFINITY;
  let tookUnverifiedStep = false;
  for (;;) {
    gradientNorm = gradient();
    if (gradientNorm <= tol * totalWeight) {
      stop = 'gradient';
      break;
    }
    if (tookUnverifiedStep) {
      stop = 'rounding';
      break;
    }
    if (iterations >= maxIter) break;
    iterations++;

    hessian();
    for (let j = 0; j < m; j++) step[j] = -(grad[j] as number);
    solveSpd(hess, m, step);
    let slope = 0;
    for (let j = 0; j < m; j++) slope += (grad[j] as number) * (step[j] as number);
    // −slope = Δ², the squared Newton decrement; Δ²/2 is the decrease the full step predicts.
    if (-slope / 2 <= roundingLevel * f) {
      for (let j = 0; j < m; j++) theta[j] = (theta[j] as number) + (step[j] as number);
      f = objective(theta, z);
      tookUnverifiedStep = true;
      continue;
    }
    // Armijo backtracking; a full Newton step is accepted near the optimum.
    let t = 1;
    let fTrial = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 50; tries++) {
      for (let j = 0; j < m; j++) trial[j] = (theta[j] as number) + t * (step[j] as number);
      fTrial = objective(trial, z);
      if (fTrial <= f + 1e-4 * t * slope) break;
      t *= 0.5;
    }
    if (!(fTrial <= f)) {
      // No decrease found although one was predicted above rounding level.
      objective(theta, z);
      stop = 'no-decrease';
      break;
    }
    theta.set(trial);
    f = fTrial;
  }
  const converged = stop === 'gradient' || stop === 'rounding' || (stop === 'no-decrease' && gradientNorm <= Math.sqrt(tol) * totalWeight);
  const coef = theta.slice(0, d);
  const report: FitReport = { iterations, converged, stop, gradientNorm, objective: f };
  return new LogisticRegressionModel(coef, theta[d] as number, l2, report);
}

/**
 * Solves A x = b in place (b ← x) for a symmetric positive (semi)definite A (row-major m×m,
 * overwritten by its Cholesky factor). A semidefinite A gets a growing ridge until it factors.
 */
function solveSpd(A: Float64Array, m: number, b: Float64Array): void {
  const original = A.slice();
  let maxDiag = 0;
  for (let j = 0; j < m; j++) maxDiag = Math.max(maxDiag, Math.abs(original[j * m + j] as number));
  let ridge = 0;
  for (let attempt = 0; attempt < 30; attempt++) {
    A.set(original);
    if (ridge > 0) for (let j = 0; j < m; j++) A[j * m + j] = (A[j * m + j] as number) + ridge;
    if (cholesky(A, m)) {
      // Forward then back substitution with L (lower triangle of A).
      for (let i = 0; i < m; i++) {
        let s = b[i] as number;
        for (let k = 0; k < i; k++) s -= (A[i * m + k] as number) * (b[k] as number);
        b[i] = s / (A[i * m + i] as number);
      }
      for (let i = m - 1; i >= 0; i--) {
        let s = b[i] as number;
        for (let k = i + 1; k < m; k++) s -= (A[k * m + i] as number) * (b[k] as number);
        b[i] = s / (A[i * m + i] as number);
      }
      return;
    }
    ridge = ridge === 0 ? 1e-12 * Math.max(1, maxDiag) : ridge * 10;
  }
  throw new Error('logistic-regression: Hessian could not be factorised (non-finite values?)');
}

/** In-place Cholesky A = L Lᵀ (L in the lower triangle). False if A is not positive definite. */
function cholesky(A: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    let diag = A[j * m + j] as number;
    for (let k = 0; k < j; k++) diag -= (A[j * m + k] as number) ** 2;
    if (!(diag > 0)) return false;
    const ljj = Math.sqrt(diag);
    A[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let s = A[i * m + j] as number;
      for (let k = 0; k < j; k++) s -= (A[i * m + k] as number) * (A[j * m + k] as number);
      A[i * m + j] = s / ljj;
    }
  }
  return true;
}
