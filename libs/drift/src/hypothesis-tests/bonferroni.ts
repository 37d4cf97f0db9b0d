/**
 * Bonferroni-adjusted p-values: p̃_i = min(1, m·p_i) for m tests (controls the family-wise
 * error rate at α when p̃_i < α is rejected). NaN p-values are passed through and not counted in m.
 */
export function bonferroni(pValues: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pValues.length);
  let m = 0;
  for (let i = 0; i < pValues.length; i++) if (!Number.isNaN(pValues[i] as number)) m++;
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i] as number;
    out[i] = Number.isNaN(p) ? Number.NaN : Math.min(1, p * m);
  }
  return out;
}
