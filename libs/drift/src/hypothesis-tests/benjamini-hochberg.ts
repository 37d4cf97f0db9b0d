/**
 * Benjamini–Hochberg (1995) step-up adjusted p-values (false discovery rate):
 * with p_(1) ≤ … ≤ p_(m), p̃_(i) = min_{j ≥ i} min(1, m·p_(j)/j); rejecting p̃_i < q controls
 * the FDR at q for independent or positively dependent tests. Same values as
 * statsmodels multipletests(method='fdr_bh'). NaN p-values are passed through, not counted in m.
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pValues.length).fill(Number.NaN);
  const idx: number[] = [];
  for (let i = 0; i < pValues.length; i++) if (!Number.isNaN(pValues[i] as number)) idx.push(i);
  idx.sort((x, y) => (pValues[x] as number) - (pValues[y] as number));
  const m = idx.length;
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = idx[r] as number;
    const candidate = ((pValues[i] as number) * m) / (r + 1);
    if (candidate < running) running = candidate;
    out[i] = Math.min(1, running);
  }
  return out;
}
