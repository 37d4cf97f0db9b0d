/**
 * Split thresholds that mean the same thing in TypeScript and in ONNX Runtime.
 *
 * ONNX Runtime's tree operators compare an FP32 input against an FP32 threshold. If we trained
 * with double thresholds and compared doubles, a row whose value rounds to the threshold in
 * float32 could take the other branch in ORT. So every tree in this package (1) compares
 * `Math.fround(x) < t` with a float32-representable `t` (ONNX `BRANCH_LT`), and (2) picks `t`
 * strictly above the left value and at most the right value *after* rounding both to float32.
 * Two training values that collapse to the same float32 can therefore never be separated,
 * and ORT on FP32 features makes exactly the same decisions as {@link goesLeft}.
 */

/**
 * A float32 threshold `t` with `fround(lo) < t <= fround(hi)`: the float32 midpoint of the two
 * rounded values, or `fround(hi)` when they are adjacent floats. Returns NaN when the two
 * values round to the same float32 (no threshold can separate them).
 */
export function float32SplitThreshold(lo: number, hi: number): number {
  const a = Math.fround(lo);
  const b = Math.fround(hi);
  if (!(a < b)) return Number.NaN;
  const mid = Math.fround(a + (b - a) / 2);
  return mid > a ? mid : b;
}

/** The branch rule of every tree here: left iff `fround(x) < threshold`; NaN goes right. */
export function goesLeft(x: number, threshold: number): boolean {
  return Math.fround(x) < threshold;
}
