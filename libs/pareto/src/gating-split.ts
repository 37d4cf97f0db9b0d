import { stratifiedSplit } from '@ratchet/ml';

/** Row indices for training a gated pair: the arms, the gate, and the gate's calibration. */
export interface GatingSplit {
  /** Rows A and B are trained on. */
  readonly model: Int32Array;
  /** Rows the gate is fitted on (kNN reference points / meta-model training rows). */
  readonly fit: Int32Array;
  /** Rows the gate's threshold is calibrated on to the regression budget. */
  readonly calibration: Int32Array;
}

/** Options for {@link gatingSplit}. */
export interface GatingSplitOptions {
  /** Share of rows for fitting the gate. Default 0.2. */
  readonly fitFraction?: number;
  /** Share of rows for calibration. Default 0.2. */
  readonly calibrationFraction?: number;
  readonly seed?: number;
}

/**
 * Three disjoint, stratified, seeded splits of labelled rows: model | gate fit | calibration.
 * Gate fitting and calibration need rows A and B never saw, or their recorded correctness is
 * optimistic (see `fitPairGate`).
 */
export function gatingSplit(y: Float64Array, { fitFraction = 0.2, calibrationFraction = 0.2, seed = 0 }: GatingSplitOptions = {}): GatingSplit {
  const held = fitFraction + calibrationFraction;
  if (!(fitFraction > 0 && calibrationFraction > 0 && held < 1)) {
    throw new RangeError(`gatingSplit: fractions must be positive with a sum below 1, got ${fitFraction} + ${calibrationFraction}`);
  }
  const outer = stratifiedSplit(y, { testFraction: held, seed });
  const heldY = Float64Array.from(outer.test, (i) => y[i] as number);
  const inner = stratifiedSplit(heldY, { testFraction: calibrationFraction / held, seed: seed + 1 });
  return {
    model: outer.train,
    fit: Int32Array.from(inner.train, (i) => outer.test[i] as number),
    calibration: Int32Array.from(inner.test, (i) => outer.test[i] as number),
  };
}
