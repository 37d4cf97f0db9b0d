/**
 * Coefficient distance between two linear models fitted on standardised
 * features: ||β − β'||² (squared L2), the distance of SVML Problem (1) for
 * linear/logistic regression. Include or omit the intercept consistently.
 */
export function coefficientDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`coefficientDistance: lengths ${a.length} and ${b.length} differ`);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    d += diff * diff;
  }
  return d;
}
