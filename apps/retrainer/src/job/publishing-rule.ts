import { type Pipeline, labelsFromProba } from '@ratchet/ml';
import {
  type FittedPairGate,
  type FlipReport,
  type LabelledTable,
  type RegressionBudgetCheck,
  evaluateGatedPair,
  fitPairGate,
  flipReport,
  paretoSafety,
  pipelineProba,
  twoClassProba,
} from '@ratchet/pareto';

/** Production as the rule sees it: its probabilities, and its pipeline when a gate may pair with it. */
export interface ProductionModel {
  readonly version: string;
  /** P(y = 1) of the served artifact (the ONNX graph, composite or not). */
  proba(table: LabelledTable['table']): Promise<Float64Array>;
  /** The plain pipeline behind production; absent for an ONNX-only or composite version (no gate then). */
  readonly pipeline?: Pipeline;
}

/** The held-out labelled rows of a job, none of which trained the candidate. */
export interface HeldOutSplits {
  /** Fits the gate (kNN reference or meta model). */
  readonly fit: LabelledTable;
  /** Calibrates the gate threshold to the budget. */
  readonly calibration: LabelledTable;
  /** The Pareto-safety check: flip reports on these rows only. */
  readonly test: LabelledTable;
}

/** Options of {@link decidePublication}. */
export interface PublishingRuleOptions {
  /** Allowed regression rate vs production (0 = no observed regression). */
  readonly budget: number;
  /** Confidence of the Clopper–Pearson bound on the regression rate. */
  readonly confidence: number;
  readonly gate: 'knn' | 'meta';
  readonly seed?: number;
}

/** What the rule decided, with the evidence. `report` is always the candidate alone vs production on the test rows. */
export type PublishDecision =
  | { readonly kind: 'candidate'; readonly report: FlipReport; readonly safety: RegressionBudgetCheck }
  | {
      readonly kind: 'gated-pair';
      readonly report: FlipReport;
      readonly safety: RegressionBudgetCheck;
      /** The gated pair vs production on the test rows. */
      readonly gated: FlipReport;
      readonly gatedSafety: RegressionBudgetCheck;
      readonly fitted: FittedPairGate;
      /** Test rows the gate sent to the candidate. */
      readonly routed: number;
    }
  | {
      readonly kind: 'none';
      readonly reason: string;
      readonly report: FlipReport;
      readonly safety: RegressionBudgetCheck;
      readonly gated?: FlipReport;
    };

function describe(check: RegressionBudgetCheck): string {
  return `${check.regressions} regressions in ${check.n} rows, upper bound ${check.upperBound.toFixed(4)} > budget ${check.effectiveBudget.toFixed(4)}`;
}

/**
 * The retrainer's publishing rule (ARCHITECTURE "Pareto-safe"): with the candidate's flip
 * report against production on the held-out test rows,
 * 1. regressions within the budget at the confidence (`paretoSafety`: Clopper–Pearson upper
 *    bound U(r, n) ≤ max(budget, U(0, n))) → publish the candidate alone;
 * 2. else, when production is a plain pipeline, fit a gate on `fit`, calibrate it to the budget
 *    on `calibration` (`fitPairGate`), and if the gated pair is Pareto-safe on the test rows and
 *    more accurate than production (gains > regressions) → publish the gated composite;
 * 3. else publish nothing, with the reason.
 */
export async function decidePublication(
  production: ProductionModel,
  candidate: Pipeline,
  splits: HeldOutSplits,
  options: PublishingRuleOptions,
): Promise<PublishDecision> {
  const { budget, confidence, seed = 0 } = options;
  const { test } = splits;
  const probaA = await production.proba(test.table);
  const probaB = pipelineProba(candidate, test.table, 'candidate');
  const report = flipReport(test.y, labelsFromProba(probaA), labelsFromProba(probaB), {
    confidence,
    probaA: twoClassProba(probaA),
    probaB: twoClassProba(probaB),
  });
  const safety = paretoSafety(report, budget, confidence);
  if (safety.satisfied) return { kind: 'candidate', report, safety };
  const alone = `the candidate alone regresses: ${describe(safety)}`;
  if (production.pipeline === undefined) {
    return { kind: 'none', reason: `${alone}; no gate possible: production ${production.version} is not a plain Ratchet pipeline`, report, safety };
  }
  const a = production.pipeline;
  // A gate learns where the candidate is right and production wrong: with no disagreement on its fit rows there is nothing to learn.
  const fitA = labelsFromProba(pipelineProba(a, splits.fit.table, 'production'));
  const fitB = labelsFromProba(pipelineProba(candidate, splits.fit.table, 'candidate'));
  if (fitA.every((v, i) => v === fitB[i])) {
    return { kind: 'none', reason: `${alone}; no gate possible: production and the candidate never disagree on the ${fitA.length} gate-fit rows`, report, safety };
  }
  const fitted = fitPairGate(a, candidate, splits.fit, splits.calibration, { kind: options.gate, budget, confidence, seed });
  if (!fitted.calibration.feasible) {
    return { kind: 'none', reason: `${alone}; no gate threshold meets the budget on ${splits.calibration.table.nRows} calibration rows`, report, safety };
  }
  const evaluation = evaluateGatedPair(a, candidate, fitted.gate, test, { confidence });
  const gated = evaluation.gated;
  const gatedSafety = paretoSafety(gated, budget, confidence);
  if (!gatedSafety.satisfied) {
    return { kind: 'none', reason: `${alone}; the gated pair regresses too: ${describe(gatedSafety)}`, report, safety, gated };
  }
  if (!(gated.gains > gated.regressions)) {
    return {
      kind: 'none',
      reason: `${alone}; the gated pair is safe but not better than production (${gated.gains} gains, ${gated.regressions} regressions in ${gated.n} rows)`,
      report,
      safety,
      gated,
    };
  }
  return { kind: 'gated-pair', report, safety, gated, gatedSafety, fitted, routed: evaluation.routed };
}
