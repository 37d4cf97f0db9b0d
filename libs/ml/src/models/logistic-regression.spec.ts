import { describe, it, expect } from 'vitest';
import { makeAgrawalStream } from '../data/agrawal.js';
import { extractLabels } from '../data/labels.js';
import { Preprocessor } from '../preprocess/preprocessor.js';
import { LogisticRegressionModel, fitLogisticRegression, sigmoid } from './logistic-regression.js';
import type { TrainingSet } from './types.js';

/** The dataset of the scikit-learn reference below, rebuilt bit-for-bit from integer formulas. */
function referenceData(): TrainingSet & { sampleWeight: Float64Array } {
  const n = 60;
  const d = 3;
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  const sampleWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X[i * d + j] = ((((i + 1) * (j + 3) * 7919) % 1009) / 1009) * 4 - 2;
    const x = X.subarray(i * d, i * d + d);
    const rule = (x[0] as number) - 0.5 * (x[1] as number) + 0.25 * (x[2] as number) > 0;
    y[i] = rule !== (i % 7 === 0) ? 1 : 0;
    sampleWeight[i] = 1 + (i % 3) * 0.5;
  }
  return { X, nRows: n, nFeatures: d, y, sampleWeight };
}

/**
 * A design like the ones the retraining bench stalled on: 8000 Agrawal rows drifting from F1
 * to F2, 43 columns after standardising and one-hot encoding (collinear with the intercept).
 */
function agrawalDesign(): TrainingSet {
  const { table, schema } = makeAgrawalStream({ nRows: 8000, seed: 22, concept: 1, driftTo: 2, driftAt: 2000, featureShift: 0.5 });
  const preprocessor = Preprocessor.fit(table, schema.features);
  return { X: preprocessor.transform(table), nRows: table.nRows, nFeatures: preprocessor.nFeatures, y: extractLabels(table, schema) };
}

/** f(w, b) = Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + (λ/2)‖w‖² of a model on unweighted data. */
function penalisedObjective(data: TrainingSet, model: LogisticRegressionModel, l2: number): number {
  const z = model.decisionFunction(data.X, data.nRows);
  let f = 0;
  z.forEach((zi, i) => (f += Math.log1p(Math.exp(-Math.abs(zi))) + Math.max(zi, 0) - (data.y[i] as number) * zi));
  return f + 0.5 * l2 * model.coef.reduce((a, w) => a + w * w, 0);
}

/**
 * The optimum by brute force, independent of the solver's line search and stopping rule:
 * `steps` full Newton steps from θ = 0 on unweighted data, each solving the dense system by
 * Gauss–Jordan elimination with partial pivoting.
 */
function newtonReference(data: TrainingSet, l2: number, steps: number): LogisticRegressionModel {
  const { X, nRows: n, nFeatures: d, y } = data;
  const m = d + 1;
  const row = (i: number, k: number): number => (k < d ? (X[i * d + k] as number) : 1);
  let model = new LogisticRegressionModel(new Float64Array(d), 0);
  for (let step = 0; step < steps; step++) {
    const p = model.predictProba(X, n);
    // Augmented system [H | −∇f], row-major m × (m + 1).
    const a = new Float64Array(m * (m + 1));
    for (let i = 0; i < n; i++) {
      const pi = p[i] as number;
      for (let j = 0; j < m; j++) {
        a[j * (m + 1) + m] = (a[j * (m + 1) + m] as number) - (pi - (y[i] as number)) * row(i, j);
        for (let k = 0; k < m; k++) a[j * (m + 1) + k] = (a[j * (m + 1) + k] as number) + pi * (1 - pi) * row(i, j) * row(i, k);
      }
    }
    for (let j = 0; j < d; j++) {
      a[j * (m + 1) + j] = (a[j * (m + 1) + j] as number) + l2;
      a[j * (m + 1) + m] = (a[j * (m + 1) + m] as number) - l2 * (model.coef[j] as number);
    }
    for (let c = 0; c < m; c++) {
      let pivot = c;
      for (let r = c + 1; r < m; r++) if (Math.abs(a[r * (m + 1) + c] as number) > Math.abs(a[pivot * (m + 1) + c] as number)) pivot = r;
      const top = a.slice(pivot * (m + 1), (pivot + 1) * (m + 1));
      a.copyWithin(pivot * (m + 1), c * (m + 1), (c + 1) * (m + 1));
      a.set(top, c * (m + 1));
      for (let r = 0; r < m; r++) {
        const factor = r === c ? 0 : (a[r * (m + 1) + c] as number) / (top[c] as number);
        for (let k = c; k <= m && factor !== 0; k++) a[r * (m + 1) + k] = (a[r * (m + 1) + k] as number) - factor * (top[k] as number);
      }
    }
    const delta = (j: number): number => (a[j * (m + 1) + m] as number) / (a[j * (m + 1) + j] as number);
    model = new LogisticRegressionModel(
      model.coef.map((w, j) => w + delta(j)),
      model.intercept + delta(d),
    );
  }
  return model;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThan(tol);
}

describe('fitLogisticRegression', () => {
  // Reference: scikit-learn 1.9.1, LogisticRegression(C=2.0, solver='newton-cholesky',
  // tol=1e-14, max_iter=1000) on the same X, y (λ = 1/C = 0.5); script in the PR notes:
  //   X[i,j] = (((i+1)*(j+3)*7919) % 1009)/1009*4 - 2, y = (x0 - x1/2 + x2/4 > 0) xor (i % 7 == 0)
  it('matches scikit-learn coefficients without sample weights', () => {
    const { sampleWeight: _unused, ...data } = referenceData();
    const model = fitLogisticRegression(data, { l2: 0.5 });
    expectClose(model.coef, [1.220784319058814, -0.24877726810763975, 0.7902732770249272], 1e-9);
    expect(model.intercept).toBeCloseTo(0.011411932564899672, 9);
    expectClose(model.predictProba(data.X.subarray(0, 9), 3), [0.38260951784641595, 0.08891445415847998, 0.8459012446775072], 1e-9);
    expect(model.report?.converged).toBe(true);
    expect(model.report?.iterations).toBeLessThan(15);
  });

  it('matches scikit-learn coefficients with sample weights 1 + (i mod 3)/2', () => {
    const model = fitLogisticRegression(referenceData(), { l2: 0.5 });
    expectClose(model.coef, [1.2663650280098178, -0.138358059697304, 0.8626751565302373], 1e-9);
    expect(model.intercept).toBeCloseTo(0.11534018959477613, 9);
  });

  it('recovers the closed-form MLE of a 2×2 table without penalty', () => {
    // x = 0: 3 of 10 positive; x = 1: 8 of 10 positive. Unpenalised MLE:
    // b = logit(0.3), w = logit(0.8) − logit(0.3).
    const n = 20;
    const X = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[i] = i < 10 ? 0 : 1;
      y[i] = i < 10 ? (i < 3 ? 1 : 0) : i < 18 ? 1 : 0;
    }
    const logit = (p: number): number => Math.log(p / (1 - p));
    const model = fitLogisticRegression({ X, nRows: n, nFeatures: 1, y }, { l2: 0 });
    expect(model.intercept).toBeCloseTo(logit(0.3), 8);
    expect(model.coef[0]).toBeCloseTo(logit(0.8) - logit(0.3), 8);
  });

  it('treats an integer weight like repeating the row', () => {
    const base = referenceData();
    const w = new Float64Array(base.nRows).fill(1);
    w[5] = 3;
    const weighted = fitLogisticRegression({ ...base, sampleWeight: w });
    const rows = Array.from({ length: base.nRows }, (_, i) => i).concat([5, 5]);
    const X = new Float64Array(rows.length * 3);
    const y = new Float64Array(rows.length);
    rows.forEach((r, k) => {
      X.set(base.X.subarray(r * 3, r * 3 + 3), k * 3);
      y[k] = base.y[r] as number;
    });
    const repeated = fitLogisticRegression({ X, nRows: rows.length, nFeatures: 3, y });
    expectClose(weighted.coef, Array.from(repeated.coef), 1e-10);
  });

  it('leaves the intercept unpenalised: a huge λ shrinks w to 0 and b to the base-rate log-odds', () => {
    const { sampleWeight: _unused, ...data } = referenceData();
    const model = fitLogisticRegression(data, { l2: 1e9 });
    for (const c of model.coef) expect(Math.abs(c)).toBeLessThan(1e-6);
    const rate = data.y.reduce((a, b) => a + b, 0) / data.nRows;
    expect(model.intercept).toBeCloseTo(Math.log(rate / (1 - rate)), 6);
  });

  it('fits without an intercept when asked', () => {
    const { sampleWeight: _unused, ...data } = referenceData();
    expect(fitLogisticRegression(data, { fitIntercept: false }).intercept).toBe(0);
  });

  it('stops at rounding level when the gradient tolerance is out of reach, still matching scikit-learn', () => {
    // tol 0 disables the gradient test: only the Newton-decrement test can end the fit.
    const { sampleWeight: _unused, ...data } = referenceData();
    const model = fitLogisticRegression(data, { l2: 0.5, tol: 0 });
    expect(model.report?.stop).toBe('rounding');
    expect(model.report?.converged).toBe(true);
    expect(model.report?.iterations).toBeLessThan(10);
    expectClose(model.coef, [1.220784319058814, -0.24877726810763975, 0.7902732770249272], 1e-9);
    expect(model.intercept).toBeCloseTo(0.011411932564899672, 9);
  });

  // With the gradient test alone these two fits ran all 100 iterations: the last step the line
  // search could verify left ‖∇f‖∞ ≈ 1.2e-6 and 1.1e-6 against tol·n = 8e-7, and every later
  // step was refused by rounding noise in f.
  it.each([0.01, 10])('fits an Agrawal design with l2 = %s in a few Newton steps to the brute-force optimum', (l2) => {
    const data = agrawalDesign();
    const model = fitLogisticRegression(data, { l2 });
    expect(model.report?.converged).toBe(true);
    expect(model.report?.iterations).toBeLessThanOrEqual(6);
    const reference = newtonReference(data, l2, 12);
    const fReference = penalisedObjective(data, reference, l2);
    expect(Math.abs(penalisedObjective(data, model, l2) - fReference)).toBeLessThan(1e-13 * fReference);
    expect(Math.abs((model.report?.objective ?? Number.NaN) - fReference)).toBeLessThan(1e-13 * fReference);
    expectClose(model.coef, Array.from(reference.coef), 1e-9);
    expect(model.intercept).toBeCloseTo(reference.intercept, 9);
  });

  it('reports non-convergence on separable data without penalty', () => {
    const X = Float64Array.from([-2, -1, 1, 2]);
    const y = Float64Array.from([0, 0, 1, 1]);
    const model = fitLogisticRegression({ X, nRows: 4, nFeatures: 1, y }, { l2: 0, maxIter: 10 });
    expect(model.report?.converged).toBe(false);
    expect(model.report?.stop).toBe('max-iter');
    expect(model.coef[0]).toBeGreaterThan(3);
  });

  it('rejects labels other than 0/1 and non-finite features', () => {
    expect(() =>
      fitLogisticRegression({ X: Float64Array.from([1, 2]), nRows: 2, nFeatures: 1, y: Float64Array.from([0, 2]) }),
    ).toThrow(/labels must be 0 or 1/);
    expect(() =>
      fitLogisticRegression({ X: Float64Array.from([1, NaN]), nRows: 2, nFeatures: 1, y: Float64Array.from([0, 1]) }),
    ).toThrow(/NaN at row 1/);
  });
});

describe('LogisticRegressionModel', () => {
  it('round-trips through JSON with identical predictions', () => {
    const model = fitLogisticRegression(referenceData());
    const back = LogisticRegressionModel.fromJSON(JSON.parse(JSON.stringify(model)));
    const X = referenceData().X;
    expect(Array.from(back.predictProba(X, 60))).toEqual(Array.from(model.predictProba(X, 60)));
  });

  it('checks the design-matrix shape', () => {
    const model = new LogisticRegressionModel(Float64Array.from([1, 2]), 0);
    expect(() => model.predictProba(new Float64Array(3), 2)).toThrow(/expected 2 rows × 2 features/);
  });

  it('computes a stable sigmoid at extreme logits', () => {
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(0)).toBe(0.5);
  });
});
