/**
 * Deterministic synthetic datasets for specs and benchmarks of the tree and MLP trainers. Integer-hash features make the
 * same matrix reproducible bit-for-bit in Python, so reference values from scikit-learn can be
 * written into the specs.
 */
import { Rng } from '../../rng.js';
import type { TrainingSet } from '../types.js';

/**
 * `X[i, j] = ((i · 7919 + j · 104729 + 13) mod 1009) / 1009`,
 * `y = 1` iff `X[i,0] + X[i,1]² > 0.7`, flipped when `i mod 11 = 0` (label noise).
 * Python: `X[i,j] = ((i*7919 + j*104729 + 13) % 1009) / 1009`.
 */
export function hashDataset(nRows: number, nFeatures: number): TrainingSet {
  const X = new Float64Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < nFeatures; j++) X[i * nFeatures + j] = ((i * 7919 + j * 104729 + 13) % 1009) / 1009;
    const a = X[i * nFeatures] as number;
    const b = nFeatures > 1 ? (X[i * nFeatures + 1] as number) : 0;
    let label = a + b * b > 0.7 ? 1 : 0;
    if (i % 11 === 0) label = 1 - label;
    y[i] = label;
  }
  return { X, nRows, nFeatures, y };
}

/**
 * Seeded Gaussian features with a nonlinear ground truth:
 * `logit = 2 x₀ x₁ + sin(2 x₂) + x₃² − 1`, `y ~ Bernoulli(σ(3 · logit))`; remaining features are noise.
 */
export function nonlinearDataset(nRows: number, nFeatures: number, seed: number): TrainingSet {
  if (nFeatures < 4) throw new RangeError('nonlinearDataset needs at least 4 features');
  const rng = new Rng(seed);
  const X = new Float64Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const base = i * nFeatures;
    for (let j = 0; j < nFeatures; j++) X[base + j] = rng.normal();
    const x0 = X[base] as number;
    const x1 = X[base + 1] as number;
    const x2 = X[base + 2] as number;
    const x3 = X[base + 3] as number;
    const logit = 2 * x0 * x1 + Math.sin(2 * x2) + x3 * x3 - 1;
    y[i] = rng.next() < 1 / (1 + Math.exp(-3 * logit)) ? 1 : 0;
  }
  return { X, nRows, nFeatures, y };
}

/** Fraction of rows where `p ≥ 0.5` agrees with the 0/1 label. */
export function accuracyAtHalf(p: Float64Array, y: Float64Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (((p[i] as number) >= 0.5 ? 1 : 0) === y[i]) ok++;
  return ok / y.length;
}

/** Rows `from .. to-1` of a training set, as a new training set. */
export function sliceTrainingSet(data: TrainingSet, from: number, to: number): TrainingSet {
  const d = data.nFeatures;
  return {
    X: data.X.slice(from * d, to * d),
    nRows: to - from,
    nFeatures: d,
    y: data.y.slice(from, to),
    ...(data.sampleWeight ? { sampleWeight: data.sampleWeight.slice(from, to) } : {}),
  };
}
