/**
 * Shared argument checks for metrics: equal lengths, binary labels, valid weights.
 */

/** Throws unless `a` and `b` (and `weights`, when given) have the same non-zero length. */
export function checkLengths(metric: string, a: ArrayLike<number>, b: ArrayLike<number>, weights?: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`${metric}: ${a.length} labels but ${b.length} predictions`);
  if (a.length === 0) throw new RangeError(`${metric}: no rows`);
  if (weights === undefined) return;
  if (weights.length !== a.length) throw new RangeError(`${metric}: ${weights.length} weights for ${a.length} rows`);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`${metric}: weight ${w} at row ${i}`);
  }
}

/** Throws unless every value is 0 or 1. */
export function checkBinary(metric: string, what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) throw new RangeError(`${metric}: ${what}[${i}] = ${v}, expected 0 or 1`);
  }
}
