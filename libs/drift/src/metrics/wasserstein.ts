/**
 * Wasserstein-1 (earth mover's) distance between two empirical distributions, both sorted
 * ascending: W1 = ∫ |F_a(x) − F_b(x)| dx, integrated exactly over the merged breakpoints in
 * O(n_a + n_b) (same value as scipy.stats.wasserstein_distance).
 */
export function wasserstein1Sorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) throw new RangeError('wasserstein1 needs two non-empty samples');
  let i = 0;
  let j = 0;
  let total = 0;
  let x = Math.min(a[0] as number, b[0] as number);
  while (i < na || j < nb) {
    const va = i < na ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const vb = j < nb ? (b[j] as number) : Number.POSITIVE_INFINITY;
    const next = va <= vb ? va : vb;
    total += Math.abs(i / na - j / nb) * (next - x);
    x = next;
    while (i < na && (a[i] as number) <= x) i++;
    while (j < nb && (b[j] as number) <= x) j++;
  }
  return total;
}

/**
 * Integral of |c − L(t)| over a segment of length `len` where L goes linearly from u + c to
 * v + c (u, v: signed gaps at the ends). Exact, including a sign change inside the segment.
 */
export function absLinearIntegral(u: number, v: number, len: number): number {
  if (len <= 0) return 0;
  if ((u >= 0 && v >= 0) || (u <= 0 && v <= 0)) return ((Math.abs(u) + Math.abs(v)) / 2) * len;
  return ((u * u + v * v) / (2 * Math.abs(u - v))) * len;
}
