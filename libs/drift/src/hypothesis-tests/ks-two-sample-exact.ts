/**
 * Exact null distribution of the two-sided two-sample Kolmogorov–Smirnov statistic
 * (no ties): P(D_{m,n} ≥ h/L) where L = lcm(m, n) and h is an integer.
 *
 * Under H0 every ordering of the pooled sample is equally likely, i.e. every monotone lattice
 * path from (0,0) to (m,n); D ≥ h/L iff the path touches |x·(n/g) − y·(m/g)| ≥ h, g = gcd(m,n)
 * (Hodges 1958; Gnedenko–Korolyuk for m = n).
 */
export function ksTwoSampleExactSurvival(m: number, n: number, h: number): number {
  if (h <= 0) return 1;
  if (m === n) return equalSizeSurvival(n, h);
  return 1 - probabilityInsideBand(m, n, h);
}

/**
 * Gnedenko–Korolyuk: P(D_{n,n} ≥ h/n) = 2 Σ_{k≥1} (−1)^{k−1} C(2n, n − kh) / C(2n, n).
 * The ratios A_k = C(2n, n−kh)/C(2n, n−(k−1)h) = Π_{j<h} (n−(k−1)h−j)/(n+(k−1)h+j+1) are nested
 * as 2·A_1(1 − A_2(1 − A_3(…))) so the alternating sum never subtracts large numbers.
 */
function equalSizeSurvival(n: number, h: number): number {
  if (h > n) return 0;
  const kMax = Math.floor(n / h);
  let nested = 0;
  for (let k = kMax; k >= 1; k--) {
    let ratio = 1;
    const offset = (k - 1) * h;
    for (let j = 0; j < h; j++) ratio *= (n - offset - j) / (n + offset + j + 1);
    nested = ratio * (1 - nested);
  }
  return clip01(2 * nested);
}

/**
 * Probability that a uniformly random lattice path stays strictly inside the band
 * |x·n' − y·m'| < h (m' = m/g, n' = n/g). Each cell holds paths-inside / C(x+y, y), so the
 * recursion is A(x,y) = x/(x+y)·A(x−1,y) + y/(x+y)·A(x,y−1) and never overflows.
 * One column of length n+1 is kept; the band width is ≈ 2·D·n, so cost is O(m·n·D).
 */
function probabilityInsideBand(m: number, n: number, h: number): number {
  const g = gcd(m, n);
  const mg = m / g;
  const ng = n / g;
  const col = new Float64Array(n + 1);
  // Column x = 0: inside while y·m' < h.
  let prevHi = Math.min(n, Math.ceil(h / mg) - 1);
  for (let y = 0; y <= prevHi; y++) col[y] = 1;
  let prevLo = 0;
  for (let x = 1; x <= m; x++) {
    // Inside: (x·n' − h)/m' < y < (x·n' + h)/m'.
    const lo = Math.max(0, Math.floor((x * ng - h) / mg) + 1);
    const hi = Math.min(n, Math.ceil((x * ng + h) / mg) - 1);
    if (lo > hi) return 0;
    for (let y = prevLo; y < lo && y <= prevHi; y++) col[y] = 0;
    for (let y = lo; y <= hi; y++) {
      const fromLeft = y <= prevHi && y >= prevLo ? (col[y] as number) : 0;
      const fromBelow = y > lo ? (col[y - 1] as number) : 0;
      col[y] = (x * fromLeft + y * fromBelow) / (x + y);
    }
    prevLo = lo;
    prevHi = hi;
  }
  return prevHi === n ? (col[n] as number) : 0;
}

export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
