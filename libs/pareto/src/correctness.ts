/** Labels as any numeric array-like (typed arrays preferred on hot paths). */
export type LabelArray = ArrayLike<number>;

/** Per-example correctness indicator 1[pred_i = y_i] as a Uint8Array. */
export function correctness(y: LabelArray, pred: LabelArray): Uint8Array {
  if (y.length !== pred.length) {
    throw new RangeError(`correctness: y has ${y.length} labels but predictions have ${pred.length}`);
  }
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] === pred[i] ? 1 : 0;
  return out;
}

/**
 * Predictions of a routed system: B's label where `routeToB[i]` is 1, A's otherwise.
 * Routing nothing returns exactly A's predictions.
 */
export function routedPredictions(predA: LabelArray, predB: LabelArray, routeToB: Uint8Array): Float64Array {
  const n = predA.length;
  if (predB.length !== n || routeToB.length !== n) {
    throw new RangeError(
      `routedPredictions: length mismatch (predA ${n}, predB ${predB.length}, route ${routeToB.length})`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (routeToB[i] === 1 ? predB[i] : predA[i]) ?? Number.NaN;
  return out;
}
