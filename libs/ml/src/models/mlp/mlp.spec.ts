import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { accuracyAtHalf, nonlinearDataset, sliceTrainingSet } from '../trees/synthetic-data.js';
import type { TrainingSet } from '../types.js';
import { MlpClassifier, fitMlp, initMlpParameters, mlpLossAndGradient, mlpParameterCount } from './mlp.js';

/** y = 1 iff x₀·x₁ > 0 for x uniform on [−1, 1]² (noise-free XOR quadrants). */
function xorDataset(n: number, seed: number): TrainingSet {
  const rng = new Rng(seed);
  const X = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = rng.uniform(-1, 1);
    X[2 * i + 1] = rng.uniform(-1, 1);
    y[i] = (X[2 * i] as number) * (X[2 * i + 1] as number) > 0 ? 1 : 0;
  }
  return { X, nRows: n, nFeatures: 2, y };
}

describe('mlpLossAndGradient', () => {
  for (const hidden of [[4], [4, 3]]) {
    it(`agrees with central finite differences on a tiny [3, ${hidden.join(', ')}, 1] net`, () => {
      const sizes = [3, ...hidden, 1];
      const rng = new Rng(3);
      const theta = initMlpParameters(sizes, rng);
      for (let k = 0; k < theta.length; k++) theta[k] = (theta[k] as number) + rng.normal(0, 0.1); // non-zero biases too
      const n = 7;
      const X = Float64Array.from({ length: n * 3 }, () => rng.normal());
      const y = Float64Array.from({ length: n }, (_, i) => i % 2);
      const w = Float64Array.from({ length: n }, () => rng.uniform(0.5, 2));
      const rows = Int32Array.from([6, 0, 3, 1, 5]);
      const grad = new Float64Array(mlpParameterCount(sizes));
      mlpLossAndGradient(sizes, theta, X, y, w, rows, 0, rows.length, 0.3, grad);
      const h = 1e-6;
      const scratch = new Float64Array(grad.length);
      let maxRelError = 0;
      for (let k = 0; k < theta.length; k++) {
        const t = theta[k] as number;
        theta[k] = t + h;
        const up = mlpLossAndGradient(sizes, theta, X, y, w, rows, 0, rows.length, 0.3, scratch);
        theta[k] = t - h;
        const down = mlpLossAndGradient(sizes, theta, X, y, w, rows, 0, rows.length, 0.3, scratch);
        theta[k] = t;
        const numeric = (up - down) / (2 * h);
        maxRelError = Math.max(maxRelError, Math.abs(numeric - (grad[k] as number)) / Math.max(1e-3, Math.abs(numeric)));
      }
      expect(maxRelError).toBeLessThan(1e-6);
    });
  }

  it('weighs a row of weight 2 like two copies of it', () => {
    const sizes = [2, 3, 1];
    const theta = initMlpParameters(sizes, new Rng(9));
    const X = Float64Array.from([0.5, -1, 2, 0.25, -0.3, 0.8]);
    const y = Float64Array.from([1, 0, 1]);
    const grad = new Float64Array(mlpParameterCount(sizes));
    const weighted = mlpLossAndGradient(sizes, theta, X, y, Float64Array.from([2, 1, 1]), null, 0, 3, 0.1, grad);
    const gradWeighted = grad.slice();
    const Xd = Float64Array.from([0.5, -1, 0.5, -1, 2, 0.25, -0.3, 0.8]);
    const yd = Float64Array.from([1, 1, 0, 1]);
    const duplicated = mlpLossAndGradient(sizes, theta, Xd, yd, new Float64Array(4).fill(1), null, 0, 4, 0.1, grad);
    expect(weighted).toBeCloseTo(duplicated, 14);
    for (let k = 0; k < grad.length; k++) expect(gradWeighted[k]).toBeCloseTo(grad[k] as number, 14);
  });
});

describe('fitMlp', () => {
  it('learns XOR quadrants to over 95% held-out accuracyAtHalf, which no linear model can', () => {
    const model = fitMlp(xorDataset(2000, 1), { hiddenLayers: [16], learningRate: 0.01, maxEpochs: 300, seed: 1 });
    const test = xorDataset(1000, 2);
    expect(accuracyAtHalf(model.predictProba(test.X, test.nRows), test.y)).toBeGreaterThan(0.95);
  });

  it('learns the nonlinear benchmark to over 85% held-out accuracyAtHalf with two hidden layers', () => {
    const all = nonlinearDataset(5000, 8, 21);
    const model = fitMlp(sliceTrainingSet(all, 0, 4000), { hiddenLayers: [32, 16], learningRate: 3e-3, seed: 2 });
    const test = sliceTrainingSet(all, 4000, 5000);
    expect(accuracyAtHalf(model.predictProba(test.X, test.nRows), test.y)).toBeGreaterThan(0.85);
  });

  it('stops early and restores the parameters of its best validation epoch', () => {
    const all = nonlinearDataset(1200, 30, 22); // 26 noise features: overfits quickly
    const validation = sliceTrainingSet(all, 600, 1200);
    const model = fitMlp(sliceTrainingSet(all, 0, 600), { hiddenLayers: [64], learningRate: 0.01, maxEpochs: 500, patience: 5, validation, seed: 3 });
    const losses = Array.from(model.validationLoss);
    expect(losses.length).toBeLessThan(500);
    const p = model.predictProba(validation.X, validation.nRows);
    let loss = 0;
    for (let i = 0; i < p.length; i++) {
      const yi = validation.y[i] as number;
      loss -= yi * Math.log(p[i] as number) + (1 - yi) * Math.log(1 - (p[i] as number));
    }
    loss /= p.length;
    expect(losses.some((l) => Math.abs(l - loss) < 1e-12)).toBe(true);
    expect(loss).toBeLessThanOrEqual(Math.min(...losses) + 1e-4);
    expect(loss).toBeLessThan(losses[losses.length - 1] as number);
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const data = xorDataset(300, 4);
    const opts = { hiddenLayers: [8], maxEpochs: 5 };
    const a = fitMlp(data, { ...opts, seed: 5 }).theta;
    expect(Array.from(fitMlp(data, { ...opts, seed: 5 }).theta)).toEqual(Array.from(a));
    expect(Array.from(fitMlp(data, { ...opts, seed: 6 }).theta)).not.toEqual(Array.from(a));
  });

  it('gives the same probabilities after a JSON round trip', () => {
    const data = xorDataset(200, 7);
    const model = fitMlp(data, { hiddenLayers: [8, 4], maxEpochs: 3 });
    const copy = MlpClassifier.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(Array.from(copy.predictProba(data.X, data.nRows))).toEqual(Array.from(model.predictProba(data.X, data.nRows)));
  });

  it('rejects three hidden layers', () => {
    expect(() => fitMlp(xorDataset(10, 8), { hiddenLayers: [4, 4, 4] })).toThrow(/1 or 2/);
  });
});
