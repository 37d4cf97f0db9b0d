import { clopperPearsonUpper } from './clopper-pearson.js';
import type { FlipReport } from './flip-report.js';

/** Outcome of the regression-budget check with the numbers behind it. */
export interface RegressionBudgetCheck {
  readonly satisfied: boolean;
  readonly regressions: number;
  readonly n: number;
  /** One-sided Clopper–Pearson upper bound on the regression rate. */
  readonly upperBound: number;
  /** max(budget, U(0, n)): the budget actually enforced (see {@link checkRegressionBudget}). */
  readonly effectiveBudget: number;
  /** True when the budget is below U(0, n), so only zero observed regressions pass. */
  readonly zeroRegressionMode: boolean;
}

function checkBudgetArgs(budget: number, confidence: number): void {
  if (!(budget >= 0 && budget <= 1)) throw new RangeError(`regression budget must be in [0, 1], got ${budget}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

/**
 * Regression-budget rule shared by the publish check and gate calibration.
 *
 * With U(r, n) the one-sided Clopper–Pearson upper bound at `confidence` on the
 * regression rate after observing r regressions in n examples, the rule is
 *   U(r, n) ≤ max(budget, U(0, n)).
 * For budget ≥ U(0, n) this is the plain statement "the true regression rate is
 * ≤ budget with the stated confidence". No finite sample can certify a rate below
 * U(0, n) (≈ 3/n at 95%), so a smaller budget — in particular the default 0 —
 * means "zero observed regressions", whose certified rate is then U(0, n).
 * U is increasing in r, so in that mode the rule is exactly r = 0.
 */
export function checkRegressionBudget(
  regressions: number,
  n: number,
  budget: number,
  confidence: number,
): RegressionBudgetCheck {
  checkBudgetArgs(budget, confidence);
  const floor = clopperPearsonUpper(0, n, confidence);
  const upperBound = regressions === 0 ? floor : clopperPearsonUpper(regressions, n, confidence);
  const effectiveBudget = Math.max(budget, floor);
  return {
    satisfied: upperBound <= effectiveBudget,
    regressions,
    n,
    upperBound,
    effectiveBudget,
    zeroRegressionMode: budget < floor,
  };
}

/** {@link checkRegressionBudget} applied to a flip report's regressions and N. */
export function paretoSafety(report: FlipReport, budget: number, confidence: number): RegressionBudgetCheck {
  return checkRegressionBudget(report.regressions, report.n, budget, confidence);
}

/**
 * True when B may ship alone against A (ARCHITECTURE "Pareto-safe"): the
 * regressions in `report` satisfy the budget at `confidence` under the rule of
 * {@link checkRegressionBudget}.
 */
export function isParetoSafe(report: FlipReport, budget: number, confidence: number): boolean {
  return paretoSafety(report, budget, confidence).satisfied;
}
