import type { Rng } from '@ratchet/ml';

/** A labelled binary problem with two models whose errors live in different regions. */
export interface SyntheticFlips {
  readonly n: number;
  readonly dim: number;
  readonly features: Float64Array;
  readonly y: Int32Array;
  readonly predA: Int32Array;
  readonly predB: Int32Array;
  /** P(class 1) of A and of B (one column each). */
  readonly scoresA: Float64Array;
  readonly scoresB: Float64Array;
}

/**
 * x ~ U[−1, 1]³, y ~ Bernoulli(½). A errs with probability 0.05 + 0.35·1[x₀ > 0.2],
 * B with 0.05 + 0.35·1[x₀ < −0.2], independently: B is the better model on the
 * right of the x₀ axis, A on the left, so a good gate routes x₀ > 0.2 to B.
 * A model's P(class 1) reports its prediction with a confidence that is higher
 * when it is right, so scores carry some signal for a meta gate.
 */
export function syntheticFlips(rng: Rng, n: number): SyntheticFlips {
  const dim = 3;
  const features = new Float64Array(n * dim);
  const y = new Int32Array(n);
  const predA = new Int32Array(n);
  const predB = new Int32Array(n);
  const scoresA = new Float64Array(n);
  const scoresB = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) features[i * dim + j] = 2 * rng.next() - 1;
    const x0 = features[i * dim] ?? 0;
    const label = rng.next() < 0.5 ? 1 : 0;
    y[i] = label;
    const rightA = rng.next() >= 0.05 + (x0 > 0.2 ? 0.35 : 0);
    const rightB = rng.next() >= 0.05 + (x0 < -0.2 ? 0.35 : 0);
    const a = rightA ? label : 1 - label;
    const b = rightB ? label : 1 - label;
    predA[i] = a;
    predB[i] = b;
    const confA = 0.5 + 0.5 * (rightA ? Math.sqrt(rng.next()) : rng.next());
    const confB = 0.5 + 0.5 * (rightB ? Math.sqrt(rng.next()) : rng.next());
    scoresA[i] = a === 1 ? confA : 1 - confA;
    scoresB[i] = b === 1 ? confB : 1 - confB;
  }
  return { n, dim, features, y, predA, predB, scoresA, scoresB };
}
