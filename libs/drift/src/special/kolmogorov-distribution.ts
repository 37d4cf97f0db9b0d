import { logFactorial } from '@ratchet/stats';

/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic,
 * P(D_n ≥ d) with D_n = sup_x |F_n(x) − F(x)| for a continuous F (scipy.stats.kstwo.sf).
 *
 * Method selection follows Simard & L'Ecuyer (2011), "Computing the Two-Sided
 * Kolmogorov–Smirnov Distribution", J. Stat. Softw. 39(11), as scipy applies it:
 * - Ruben–Gambino closed forms for n·d ≤ 1 and n·d ≥ n − 1;
 * - d ≥ 0.5: exactly 2·P(D_n⁺ ≥ d) (the two one-sided events are disjoint);
 * - n ≤ 140: Durbin's matrix (Marsaglia–Tsang–Wang 2003) when n·d² < 4 (Simard–L'Ecuyer use
 *   Pomeranz's recursion for 0.754693 < n·d² ≤ 4; Durbin is exact too and agrees to ~1e-13),
 *   else 2·P(D_n⁺ ≥ d);
 * - n > 140: 0 for n·d² ≥ 370, 2·P(D_n⁺ ≥ d) for n·d² ≥ 2.2, else 1 − CDF with the CDF from
 *   Durbin's matrix when n ≤ 1e5 and n·d^1.5 ≤ 1.4, otherwise the Pelz–Good (1976) expansion.
 * Dropping P(D⁺ ≥ d ∧ D⁻ ≥ d) for n·d² ≥ 2.2 costs < 1e-7 absolute.
 */
export function kolmogorovSmirnovSurvival(d: number, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (Number.isNaN(d)) return Number.NaN;
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    // P(D_n < d) = n!/n^n (2t − 1)^n for 1/(2n) < d ≤ 1/n.
    const cdf = Math.exp(logFactorial(n) - n * Math.log(n) + n * Math.log(2 * t - 1));
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - d, n));
  if (d >= 0.5) return clip01(2 * smirnovSurvival(n, d));
  const nd2 = t * d;
  if (n <= 140) {
    if (nd2 <= 4) return clip01(1 - durbinMatrixCdf(n, d));
    return clip01(2 * smirnovSurvival(n, d));
  }
  if (nd2 >= 370) return 0;
  if (nd2 >= 2.2) return clip01(2 * smirnovSurvival(n, d));
  const cdf = n <= 100_000 && n * Math.pow(d, 1.5) <= 1.4 ? durbinMatrixCdf(n, d) : pelzGoodCdf(n, d);
  return clip01(1 - cdf);
}

/**
 * One-sided Smirnov survival P(D_n⁺ ≥ d), exact Birnbaum–Tingey (1951) sum:
 * d · Σ_{j=0}^{⌊n(1−d)⌋} C(n, j) (1 − d − j/n)^{n−j} (d + j/n)^{j−1}.
 * All terms are positive, so the sum is evaluated in log space without cancellation; O(n).
 * Above n = 1e6 (as scipy.special.smirnov does) the O(1) approximation
 * exp(−(6nd + 1)² / (18n)) is used instead; its error there is below 1e-8.
 */
export function smirnovSurvival(n: number, d: number): number {
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  if (n > SMIRNOV_EXACT_MAX_N) {
    const a = 6 * n * d + 1;
    return clip01(Math.exp((-a * a) / (18 * n)));
  }
  const jMax = Math.floor(n * (1 - d) + 1e-12);
  const logs = new Float64Array(jMax + 1);
  let maxLog = Number.NEGATIVE_INFINITY;
  let count = 0;
  // ln C(n, j) advanced by ln((n − j)/(j + 1)) per step instead of three lnΓ calls.
  let logC = 0;
  for (let j = 0; j <= jMax; j++) {
    if (j > 0) logC += Math.log((n - j + 1) / j);
    const a = (n - n * d - j) / n;
    if (a <= 0) continue;
    const term = logC + (n - j) * Math.log(a) + (j - 1) * Math.log(d + j / n);
    logs[count++] = term;
    if (term > maxLog) maxLog = term;
  }
  if (count === 0) return 0;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += Math.exp((logs[i] as number) - maxLog);
  return clip01(d * Math.exp(maxLog) * sum);
}

const SMIRNOV_EXACT_MAX_N = 1_000_000;
const SCALE_EXP = 128;
const SCALE_UP = 2 ** SCALE_EXP;

/**
 * P(D_n < d) by Durbin's (1968) matrix formula in the Marsaglia–Tsang–Wang (2003) form:
 * with k = ⌈n d⌉, h = k − n d, m = 2k − 1 and the m×m matrix H (H_ij = 1/(i−j+1)! below the
 * super-diagonal, first column and last row corrected by h^i, corner by (2h−1)₊^m),
 * P = n!/n^n · (H^n)_{kk}. Powers by repeated squaring with a separate binary exponent.
 */
export function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  let fact = 1;
  const invFact = new Float64Array(m + 1);
  invFact[0] = 1;
  for (let i = 1; i <= m; i++) {
    fact *= i;
    invFact[i] = 1 / fact;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const r = i - j + 1;
      if (r >= 0) H[i * m + j] = invFact[r] as number;
    }
  }
  for (let i = 0; i < m; i++) {
    H[i * m] = (1 - Math.pow(h, i + 1)) * (invFact[i + 1] as number);
    H[(m - 1) * m + i] = (1 - Math.pow(h, m - i)) * (invFact[m - i] as number);
  }
  const corner = 1 - 2 * Math.pow(h, m) + (2 * h - 1 > 0 ? Math.pow(2 * h - 1, m) : 0);
  H[(m - 1) * m] = corner * (invFact[m] as number);

  let result: Float64Array | undefined;
  let resultExp = 0;
  let base = H;
  let baseExp = 0;
  let e = n;
  const tmp = new Float64Array(m * m);
  while (e > 0) {
    if (e & 1) {
      if (result === undefined) {
        result = base.slice();
        resultExp = baseExp;
      } else {
        matMul(result, base, tmp, m);
        result.set(tmp);
        resultExp += baseExp;
        if (Math.abs(result[(k - 1) * m + (k - 1)] as number) > SCALE_UP) {
          scale(result, 1 / SCALE_UP);
          resultExp += SCALE_EXP;
        }
      }
    }
    e = Math.floor(e / 2);
    if (e > 0) {
      matMul(base, base, tmp, m);
      base = tmp.slice();
      baseExp *= 2;
      if (Math.abs(base[(k - 1) * m + (k - 1)] as number) > SCALE_UP) {
        scale(base, 1 / SCALE_UP);
        baseExp += SCALE_EXP;
      }
    }
  }
  const diag = (result as Float64Array)[(k - 1) * m + (k - 1)] as number;
  if (diag <= 0) return 0;
  const logP = Math.log(diag) + resultExp * Math.LN2 + logFactorial(n) - n * Math.log(n);
  return clip01(Math.exp(logP));
}

function matMul(a: Float64Array, b: Float64Array, out: Float64Array, m: number): void {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l] as number;
      if (ail === 0) continue;
      const rowB = l * m;
      const rowO = i * m;
      for (let j = 0; j < m; j++) out[rowO + j] = (out[rowO + j] as number) + ail * (b[rowB + j] as number);
    }
  }
}

function scale(a: Float64Array, f: number): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) * f;
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI * Math.PI;
const PI4 = PI2 * PI2;
const PI6 = PI4 * PI2;

/**
 * Pelz & Good (1976) asymptotic expansion of P(D_n ≤ d) with z = d√n:
 * K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^{3/2}, each K_i written as theta-type sums over odd
 * m = 2k − 1 of polynomials in m² times q^{m²}, q = exp(−π²/(8z²)), plus (for K2, K3) sums over
 * all k of k² exp(−π²k²/(2z²)) (formulas as given in Simard & L'Ecuyer 2011, eq. 9–12).
 */
export function pelzGoodCdf(n: number, d: number): number {
  if (d <= 0) return 0;
  if (d >= 1) return 1;
  const z = Math.sqrt(n) * d;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const z8 = z4 * z4;
  const logQ = -PI2 / 8 / z2;
  if (logQ < -708) return 0;
  const kMax = Math.ceil((16 * z) / Math.PI);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let k = 1; k <= kMax; k++) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const w = Math.exp(logQ * m2);
    if (w === 0) break;
    s0 += w;
    s1 += (-z2 + (PI2 * m2) / 4) * w;
    s2 += (6 * z6 + 2 * z4 + ((2 * z4 - 5 * z2) * PI2 * m2) / 4 + (PI4 * (1 - 2 * z2) * m4) / 16) * w;
    s3 +=
      (-30 * z6 - 90 * z8 + (PI2 * (135 * z4 - 96 * z6) * m2) / 4 + (PI4 * (212 * z4 - 60 * z2) * m4) / 16 +
        (PI6 * (5 - 30 * z2) * m6) / 64) *
      w;
  }
  let e2 = 0;
  let e3 = 0;
  for (let k = 1; k <= kMax; k++) {
    const k2 = k * k;
    const w = Math.exp((-PI2 * k2) / 2 / z2);
    if (w === 0) break;
    e2 += k2 * w;
    e3 += (3 * z2 - PI2 * k2) * k2 * w;
  }
  const K0 = (SQRT_2PI * s0) / z;
  const K1 = (SQRT_2PI * s1) / (6 * z4);
  const K2 = (SQRT_2PI * s2) / (72 * z6 * z) - (PI2 * SQRT_2PI * e2) / (36 * z2 * z);
  const K3 = (SQRT_2PI * s3) / (6480 * z8 * z2) + (PI2 * SQRT_2PI * e3) / (216 * z6);
  const sn = Math.sqrt(n);
  return clip01(K0 + K1 / sn + K2 / n + K3 / (n * sn));
}

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
