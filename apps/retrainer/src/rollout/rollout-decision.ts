import type { ArmComparison } from '@ratchet/contracts';
import { clopperPearsonLower, checkRegressionBudget } from '@ratchet/pareto';
import { regularizedGammaP } from '@ratchet/stats';

/** How a rollout decides; the same numbers for every model unless a rollout overrides them. */
export interface RolloutCriteria {
  /** Labelled rows each arm needs before any verdict (the monitor's count window must hold at least this many). */
  readonly minSamplePerArm: number;
  /** Significance level α of the one-sided regression test (and 1 − α the confidence of the paired bounds). */
  readonly alpha: number;
  /** Largest accuracy drop (and paired regression rate) tolerated, in [0, 1); default 0. */
  readonly tolerance: number;
  /** A rollout still waiting for data this long after it started is rolled back. */
  readonly timeoutMs: number;
}

/** Defaults: 500 rows per arm, α = 0.05, no tolerated regression, 1 hour. */
export const defaultRolloutCriteria: RolloutCriteria = { minSamplePerArm: 500, alpha: 0.05, tolerance: 0, timeoutMs: 3_600_000 };

/** What a decision needs to know about a rollout. */
export interface RolloutSubject {
  readonly model: string;
  readonly stable: string;
  readonly canary: string;
  readonly startedAtMs: number;
  readonly criteria: RolloutCriteria;
}

/** The numbers a decision rests on, canary oriented (canary − stable); NaN where not measured. */
export interface RolloutEvidence {
  readonly stableCount: number;
  readonly canaryCount: number;
  readonly stableAccuracy: number;
  readonly canaryAccuracy: number;
  readonly difference: number;
  /** One-sided p of H1 "canary accuracy < stable accuracy − tolerance". */
  readonly pValue: number;
  readonly pairedCount: number;
  readonly regressions: number;
  /** Paired regression-rate bound the decision used (Clopper–Pearson at 1 − α); NaN without pairs. */
  readonly regressionBound: number;
}

/** The verdict on a rollout. */
export type RolloutDecision =
  | { readonly action: 'wait'; readonly reason: string; readonly evidence: RolloutEvidence; readonly moreStable: number; readonly moreCanary: number }
  | { readonly action: 'promote'; readonly reason: string; readonly evidence: RolloutEvidence }
  | { readonly action: 'rollback'; readonly reason: string; readonly evidence: RolloutEvidence; readonly timedOut: boolean };

/** Standard normal CDF: Φ(z) = ½(1 + sign(z)·P(½, z²/2)), P the regularized lower incomplete gamma (erf(x) = P(½, x²)). */
export function standardNormalCdf(z: number): number {
  if (!Number.isFinite(z)) return z > 0 ? 1 : 0;
  const e = regularizedGammaP(0.5, (z * z) / 2);
  return z >= 0 ? 0.5 * (1 + e) : 0.5 * (1 - e);
}

/**
 * The comparison of `canary` against `stable` among a report's comparisons, turned so that the
 * canary is the compared arm (the monitor's baseline is the arm with more rows, normally stable;
 * when it is the canary, difference and flips are mirrored). Undefined when absent.
 */
export function canaryComparison(comparisons: readonly ArmComparison[], stable: string, canary: string): ArmComparison | undefined {
  const direct = comparisons.find((c) => c.version === canary && c.baselineVersion === stable);
  if (direct) return direct;
  const r = comparisons.find((c) => c.version === stable && c.baselineVersion === canary);
  if (!r) return undefined;
  return {
    ...r,
    baselineArm: r.arm,
    baselineVersion: r.version,
    arm: r.baselineArm,
    version: r.baselineVersion,
    baselineValue: r.value,
    value: r.baselineValue,
    difference: -r.difference,
    ciLow: -r.ciHigh,
    ciHigh: -r.ciLow,
    z: -r.z,
    baselineCount: r.count,
    count: r.baselineCount,
    regressions: r.gains,
    gains: r.regressions,
  };
}

/**
 * One-sided p-value of H1: Δ < −tolerance, Δ = p_canary − p_stable, from the comparison's
 * accuracies and counts with the pooled standard error the monitor's z-test uses:
 * SE = √(p̄(1−p̄)(1/n_s + 1/n_c)), z = (Δ + tolerance)/SE, p = Φ(z).
 * With tolerance 0 this is the monitor's two-sided p halved on the side of a drop.
 */
export function regressionPValue(c: ArmComparison, tolerance: number): number {
  const ns = Number(c.baselineCount);
  const nc = Number(c.count);
  if (ns <= 0 || nc <= 0) return Number.NaN;
  const pooled = (c.baselineValue * ns + c.value * nc) / (ns + nc);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / ns + 1 / nc));
  const shifted = c.difference + tolerance;
  if (se === 0) return shifted < 0 ? 0 : 1;
  return standardNormalCdf(shifted / se);
}

function checkCriteria(c: RolloutCriteria): void {
  if (!(Number.isInteger(c.minSamplePerArm) && c.minSamplePerArm >= 1)) throw new RangeError(`rollout: minSamplePerArm must be a positive integer, got ${c.minSamplePerArm}`);
  if (!(c.alpha > 0 && c.alpha < 1)) throw new RangeError(`rollout: alpha must be in (0, 1), got ${c.alpha}`);
  if (!(c.tolerance >= 0 && c.tolerance < 1)) throw new RangeError(`rollout: tolerance must be in [0, 1), got ${c.tolerance}`);
  if (!(c.timeoutMs > 0)) throw new RangeError(`rollout: timeoutMs must be positive, got ${c.timeoutMs}`);
}

const noEvidence: RolloutEvidence = {
  stableCount: 0,
  canaryCount: 0,
  stableAccuracy: Number.NaN,
  canaryAccuracy: Number.NaN,
  difference: Number.NaN,
  pValue: Number.NaN,
  pairedCount: 0,
  regressions: 0,
  regressionBound: Number.NaN,
};

/**
 * Decides a canary rollout from the monitor's latest comparison of the canary arm against the
 * stable arm (`comparison` already canary-oriented, see {@link canaryComparison}; undefined
 * before the monitor compared them). With n_s, n_c the labelled rows per arm, m the minimum
 * sample, α, tolerance τ:
 *
 * 1. n_s < m or n_c < m → `wait` (how many more rows each arm needs); no test is read before
 *    the minimum sample, so early noise cannot roll a canary back or promote it.
 * 2. `rollback` when Δ < −τ and the one-sided p of H1 "Δ < −τ" ({@link regressionPValue}) is
 *    < α; or, when paired rows exist (shadow / pareto pairs, n_p of them with r regressions),
 *    when the one-sided Clopper–Pearson lower bound on the regression rate at 1 − α exceeds τ
 *    (with τ = 0: any observed regression).
 * 3. `promote` otherwise, provided the paired regressions are within the budget:
 *    {@link checkRegressionBudget}(r, n_p, τ, 1 − α) (with τ = 0: r = 0). A paired count that is
 *    neither within the budget nor significantly above it keeps the rollout waiting.
 * 4. Timeout: a decision that is still `wait` at `startedAtMs + timeoutMs` or later becomes
 *    `rollback` (`timedOut`): a canary that cannot show it is no worse in time does not stay.
 */
export function decideRollout(subject: RolloutSubject, comparison: ArmComparison | undefined, nowMs: number): RolloutDecision {
  const k = subject.criteria;
  checkCriteria(k);
  const waited = (reason: string, evidence: RolloutEvidence, moreStable: number, moreCanary: number): RolloutDecision =>
    nowMs - subject.startedAtMs >= k.timeoutMs
      ? { action: 'rollback', timedOut: true, evidence, reason: `timed out after ${nowMs - subject.startedAtMs} ms without a verdict (${reason})` }
      : { action: 'wait', reason, evidence, moreStable, moreCanary };
  if (!comparison) return waited(`no comparison of ${subject.canary} against ${subject.stable} yet`, noEvidence, k.minSamplePerArm, k.minSamplePerArm);
  const stableCount = Number(comparison.baselineCount);
  const canaryCount = Number(comparison.count);
  const pairedCount = Number(comparison.pairedCount);
  const regressions = Number(comparison.regressions);
  const confidence = 1 - k.alpha;
  const evidence: RolloutEvidence = {
    stableCount,
    canaryCount,
    stableAccuracy: comparison.baselineValue,
    canaryAccuracy: comparison.value,
    difference: comparison.difference,
    pValue: regressionPValue(comparison, k.tolerance),
    pairedCount,
    regressions,
    regressionBound: pairedCount > 0 ? clopperPearsonLower(regressions, pairedCount, confidence) : Number.NaN,
  };
  const moreStable = Math.max(0, k.minSamplePerArm - stableCount);
  const moreCanary = Math.max(0, k.minSamplePerArm - canaryCount);
  if (moreStable > 0 || moreCanary > 0) {
    return waited(`need ${moreStable} more labelled rows on ${subject.stable} and ${moreCanary} more on ${subject.canary}`, evidence, moreStable, moreCanary);
  }
  const diff = comparison.difference.toFixed(4);
  if (comparison.difference < -k.tolerance && evidence.pValue < k.alpha) {
    return { action: 'rollback', timedOut: false, evidence, reason: `accuracy dropped by ${-comparison.difference} (> ${k.tolerance}), one-sided p = ${evidence.pValue.toPrecision(3)} < α = ${k.alpha}` };
  }
  if (pairedCount > 0 && evidence.regressionBound > k.tolerance) {
    return {
      action: 'rollback',
      timedOut: false,
      evidence,
      reason: `${regressions} regressions in ${pairedCount} paired rows: rate ≥ ${evidence.regressionBound.toPrecision(3)} at ${confidence} confidence exceeds the tolerance ${k.tolerance}`,
    };
  }
  if (pairedCount > 0) {
    const budget = checkRegressionBudget(regressions, pairedCount, k.tolerance, confidence);
    if (!budget.satisfied) {
      const e = { ...evidence, regressionBound: budget.upperBound };
      return waited(`${regressions} regressions in ${pairedCount} paired rows: upper bound ${budget.upperBound.toPrecision(3)} not yet within ${budget.effectiveBudget.toPrecision(3)}`, e, 0, 0);
    }
    return { action: 'promote', evidence: { ...evidence, regressionBound: budget.upperBound }, reason: `no significant regression (Δ = ${diff}, p = ${evidence.pValue.toPrecision(3)}); paired regressions ${regressions}/${pairedCount} within the budget` };
  }
  return { action: 'promote', evidence, reason: `no significant regression over ${stableCount}/${canaryCount} rows (Δ = ${diff}, one-sided p = ${evidence.pValue.toPrecision(3)} ≥ α = ${k.alpha})` };
}
