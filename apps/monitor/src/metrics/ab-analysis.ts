import { normalCdf, normalQuantile } from './normal-distribution.js';

/** Successes out of trials for one arm (e.g. correct predictions out of labelled rows). */
export interface Proportion {
  readonly successes: number;
  readonly trials: number;
}

/** Result of comparing arm B with baseline arm A. */
export interface ProportionComparison {
  readonly baseline: number;
  readonly value: number;
  /** p_B − p_A. */
  readonly difference: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly confidence: number;
  /** Pooled two-proportion z statistic (0 when undefined, e.g. both arms perfect). */
  readonly z: number;
  /** Two-sided p-value of H0: p_A = p_B. */
  readonly pValue: number;
}

/**
 * Two-proportion comparison. Difference d = p_B − p_A with the Wald interval
 * d ± z_{1−α/2}·√(p_A(1−p_A)/n_A + p_B(1−p_B)/n_B), and the pooled z-test
 * z = d / √(p̂(1−p̂)(1/n_A + 1/n_B)), p̂ = (x_A + x_B)/(n_A + n_B), p = 2·(1 − Φ(|z|))
 * (as `statsmodels.stats.proportion.proportions_ztest`).
 */
export function compareProportions(a: Proportion, b: Proportion, confidence = 0.95): ProportionComparison {
  if (a.trials <= 0 || b.trials <= 0) throw new RangeError(`compareProportions: both arms need trials, got ${a.trials} and ${b.trials}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const pa = a.successes / a.trials;
  const pb = b.successes / b.trials;
  const d = pb - pa;
  const zc = normalQuantile(1 - (1 - confidence) / 2);
  const se = Math.sqrt((pa * (1 - pa)) / a.trials + (pb * (1 - pb)) / b.trials);
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  const z = sePooled > 0 ? d / sePooled : 0;
  return {
    baseline: pa,
    value: pb,
    difference: d,
    ciLow: d - zc * se,
    ciHigh: d + zc * se,
    confidence,
    z,
    pValue: sePooled > 0 ? 2 * (1 - normalCdf(Math.abs(z))) : 1,
  };
}

/**
 * Rows per arm a two-sided two-proportion test at level α needs to detect an absolute change
 * δ from baseline rate p with the given power (Fleiss, Statistical Methods for Rates and
 * Proportions, eq. 4.14 without continuity correction):
 * n = [z_{1−α/2}·√(2·p̄(1−p̄)) + z_{power}·√(p₁(1−p₁) + p₂(1−p₂))]² / δ², p₂ = p₁ − δ (a drop,
 * mirrored when p₁ − δ < 0), p̄ = (p₁ + p₂)/2.
 */
export function minimumSampleSize(baselineRate: number, minimumDetectableEffect: number, { alpha = 0.05, power = 0.8 } = {}): number {
  if (!(minimumDetectableEffect > 0 && minimumDetectableEffect < 1)) {
    throw new RangeError(`minimum detectable effect must be in (0, 1), got ${minimumDetectableEffect}`);
  }
  const p1 = Math.min(Math.max(baselineRate, 0), 1);
  const p2 = p1 - minimumDetectableEffect >= 0 ? p1 - minimumDetectableEffect : p1 + minimumDetectableEffect;
  const pbar = (p1 + p2) / 2;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const root = za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / (minimumDetectableEffect * minimumDetectableEffect));
}
