import { flipReportFromCorrectness, type FlipReport } from './flip-report.js';
import { checkRegressionBudget } from './pareto-safe.js';

/** Result of calibrating a "route to B iff score > threshold" rule to a regression budget. */
export interface ThresholdCalibration {
  /** True when some threshold routes at least one gain to B within the budget. */
  readonly feasible: boolean;
  /** Chosen threshold (route iff score > threshold); null when the gate must route nothing. */
  readonly threshold: number | null;
  /** Regressions of the gated system vs A on the calibration set. */
  readonly regressions: number;
  /** Gains of the gated system vs A on the calibration set. */
  readonly gains: number;
  /** Calibration examples routed to B whose correctness differs between A and B. */
  readonly routedFlips: number;
  readonly n: number;
  /** Clopper–Pearson upper bound on the gated regression rate. */
  readonly upperBound: number;
  readonly effectiveBudget: number;
  readonly budget: number;
  readonly confidence: number;
}

/** Options for {@link calibrateThreshold}. */
export interface CalibrationOptions {
  /** Allowed regression rate of the gated system vs A (default 0). */
  readonly budget?: number;
  /** Confidence 1 − δ of the Clopper–Pearson bound (default 0.95). */
  readonly confidence?: number;
}

/** Largest double strictly below x (x finite). */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const buffer = new DataView(new ArrayBuffer(8));
  buffer.setFloat64(0, x);
  const bits = buffer.getBigUint64(0);
  buffer.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return buffer.getFloat64(0);
}

/**
 * Chooses the threshold t of the rule "route example i to B iff score_i > t" that
 * maximises gains on the calibration set subject to the regression budget
 * (ARCHITECTURE "Pareto-safe"; rule of `checkRegressionBudget`), with regressions
 * and gains of the gated system counted against A over all N examples.
 *
 * Only examples where A and B differ in correctness can change regressions or
 * gains. Sorting them by descending score gives nested routing sets, so
 * regressions and gains are both non-decreasing as t falls and the feasible
 * thresholds form a prefix: the max-gain feasible threshold is the last one
 * before the first violation (ties in gains go to the more conservative one).
 * Stopping at the first violation is fixed-sequence testing, so the chosen rule's
 * true regression rate exceeds the budget with probability ≤ δ = 1 − confidence
 * (Angelopoulos et al. 2021, "Learn then Test", §fixed-sequence), not δ per threshold.
 *
 * The chosen t is the midpoint between the lowest admitted score and the next
 * lower one (or the next double below the lowest score when none is lower).
 */
export function calibrateThreshold(
  scores: Float64Array,
  correctA: Uint8Array,
  correctB: Uint8Array,
  { budget = 0, confidence = 0.95 }: CalibrationOptions = {},
): ThresholdCalibration {
  const n = scores.length;
  if (correctA.length !== n || correctB.length !== n) {
    throw new RangeError(
      `calibrateThreshold: length mismatch (scores ${n}, correctA ${correctA.length}, correctB ${correctB.length})`,
    );
  }
  if (n === 0) throw new RangeError('calibrateThreshold: empty calibration set');
  const flips: number[] = [];
  for (let i = 0; i < n; i++) {
    if (correctA[i] !== correctB[i]) {
      if (!Number.isFinite(scores[i])) {
        throw new RangeError(`calibrateThreshold: score ${i} of an example where A and B differ is not finite`);
      }
      flips.push(i);
    }
  }
  flips.sort((i, j) => (scores[j] ?? 0) - (scores[i] ?? 0) || i - j);

  const none = checkRegressionBudget(0, n, budget, confidence);
  let best = { end: 0, regressions: 0, gains: 0, check: none };
  let regressions = 0;
  let gains = 0;
  let g = 0;
  while (g < flips.length) {
    const groupScore = scores[flips[g] ?? 0] ?? 0;
    let end = g;
    while (end < flips.length && scores[flips[end] ?? 0] === groupScore) {
      if (correctA[flips[end] ?? 0] === 1) regressions++;
      else gains++;
      end++;
    }
    const check = checkRegressionBudget(regressions, n, budget, confidence);
    if (!check.satisfied) break;
    if (gains > best.gains) best = { end, regressions, gains, check };
    g = end;
  }

  if (best.gains === 0) {
    return {
      feasible: false,
      threshold: null,
      regressions: 0,
      gains: 0,
      routedFlips: 0,
      n,
      upperBound: none.upperBound,
      effectiveBudget: none.effectiveBudget,
      budget,
      confidence,
    };
  }
  const lowest = scores[flips[best.end - 1] ?? 0] ?? 0;
  const nextIndex = flips[best.end];
  const next = nextIndex === undefined ? undefined : scores[nextIndex];
  const midpoint = next === undefined ? lowest : 0.5 * (lowest + next);
  // Adjacent doubles can round the midpoint onto `lowest`; fall back to the next double below.
  const threshold = midpoint < lowest ? midpoint : nextDown(lowest);
  return {
    feasible: true,
    threshold,
    regressions: best.regressions,
    gains: best.gains,
    routedFlips: best.end,
    n,
    upperBound: best.check.upperBound,
    effectiveBudget: best.check.effectiveBudget,
    budget,
    confidence,
  };
}

/** A gate calibrated to a regression budget, with the evidence for the choice. */
export interface CalibratedGate<G> {
  readonly gate: G;
  readonly calibration: ThresholdCalibration;
  /** Flip report of the gated system against A on the calibration split. */
  readonly report: FlipReport;
}

/** Flip report of the routed system (B where routeToB = 1, else A) against A. */
export function gatedReport(
  correctA: Uint8Array,
  correctB: Uint8Array,
  routeToB: Uint8Array,
  { confidence = 0.95 }: CalibrationOptions = {},
): FlipReport {
  const gated = new Uint8Array(correctA.length);
  for (let i = 0; i < gated.length; i++) gated[i] = routeToB[i] === 1 ? (correctB[i] ?? 0) : (correctA[i] ?? 0);
  return flipReportFromCorrectness(correctA, gated, { confidence });
}

/** Routing rule shared by the gates: 1[active ∧ score_i > threshold]. */
export function routeByThreshold(scores: Float64Array, threshold: number, active: boolean): Uint8Array {
  const route = new Uint8Array(scores.length);
  if (!active) return route;
  for (let i = 0; i < scores.length; i++) route[i] = (scores[i] ?? 0) > threshold ? 1 : 0;
  return route;
}
