import { describe, expect, it } from 'vitest';
import { ksOneSample, ksTwoSample, type KsMethod } from './ks-test.js';

const PARK_MILLER_MODULUS = 2147483647;

/** Park–Miller "minimal standard" LCG, exactly reproducible in numpy: the fixtures below come
 *  from the same sequences, so no large literal arrays are needed. */
function parkMiller(seed: number, n: number): Float64Array {
  const out = new Float64Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (16807 * x) % PARK_MILLER_MODULUS;
    out[i] = x / PARK_MILLER_MODULUS;
  }
  return out;
}

function generate(spec: readonly [number, number, number, number], integers: boolean): Float64Array {
  const [seed, n, shift, scale] = spec;
  const u = parkMiller(seed, n);
  for (let i = 0; i < n; i++) {
    const v = (u[i] as number) * scale + shift;
    u[i] = integers ? Math.floor(v * 10) : v;
  }
  return u;
}

interface Fixture {
  readonly a: readonly [number, number, number, number];
  readonly b: readonly [number, number, number, number];
  readonly integers: boolean;
  readonly method: KsMethod;
  readonly d: number;
  readonly p: number;
}

// scipy.stats.ks_2samp(a, b, method=...) with scipy 1.17.1; a/b = [seed, n, shift, scale] of
// parkMiller(seed, n) * scale + shift (floor(10·v) when integers: heavy ties).
const KS_2SAMP: readonly Fixture[] = [
  { a: [1, 50, 0, 1], b: [2, 50, 0.1, 1], integers: false, method: 'auto', d: 0.18, p: 0.3959398631708505 },
  { a: [3, 100, 0, 1], b: [4, 73, 0.05, 1], integers: false, method: 'auto', d: 0.10684931506849316, p: 0.6692196036567607 },
  { a: [5, 37, 0, 1], b: [6, 41, 0, 1.3], integers: false, method: 'auto', d: 0.23071852340145024, p: 0.20849150674746808 },
  { a: [7, 1000, 0, 1], b: [8, 1500, 0.03, 1], integers: false, method: 'auto', d: 0.041666666666666664, p: 0.24382121760148676 },
  { a: [9, 2000, 0, 1], b: [10, 1999, 0, 1], integers: false, method: 'auto', d: 0.031241370685342672, p: 0.27513961066931614 },
  { a: [11, 10000, 0, 1], b: [12, 10000, 0.01, 1], integers: false, method: 'auto', d: 0.0149, p: 0.21692483428445863 },
  { a: [13, 12000, 0, 1], b: [14, 9000, 0.01, 1], integers: false, method: 'auto', d: 0.011777777777777776, p: 0.4699587782146697 },
  { a: [15, 3000, 0, 1], b: [16, 2000, 0.02, 1], integers: false, method: 'asymp', d: 0.023, p: 0.5416992970374961 },
  { a: [17, 3000, 0, 1], b: [18, 2000, 0.02, 1], integers: false, method: 'exact', d: 0.04133333333333333, p: 0.03248881575114939 },
  { a: [19, 20000, 0, 1], b: [20, 20000, 0.005, 1], integers: false, method: 'auto', d: 0.01344999999999999, p: 0.05318633786193294 },
  { a: [21, 400, 0, 1], b: [22, 300, 0.04, 1], integers: true, method: 'auto', d: 0.07416666666666667, p: 0.2898554176597418 },
  { a: [23, 15000, 0, 1], b: [24, 11000, 0.0, 1], integers: true, method: 'auto', d: 0.005806060606060592, p: 0.982228382363892 },
  { a: [25, 6, 0, 1], b: [26, 9, 0.2, 1], integers: false, method: 'auto', d: 0.6111111111111112, p: 0.09470529470529471 },
];

describe('ksTwoSample', () => {
  it.each(KS_2SAMP)('matches scipy ks_2samp (%o)', (f) => {
    const result = ksTwoSample(generate(f.a, f.integers), generate(f.b, f.integers), { method: f.method });
    expect(Math.abs(result.statistic - f.d)).toBeLessThan(1e-12);
    expect(Math.abs(result.pValue - f.p)).toBeLessThan(1e-6);
  });

  it('handles ties across the two samples like scipy (8 vs 12 values)', () => {
    // scipy.stats.ks_2samp(a, b) -> (0.4166666666666667, 0.32404540763673895), scipy 1.17.1
    const a = [0.1, 0.4, 0.4, 0.7, 1.2, 1.5, 2.0, 2.2];
    const b = [0.3, 0.4, 0.9, 1.0, 1.1, 1.5, 1.9, 2.5, 2.6, 3.0, 3.1, 3.3];
    const result = ksTwoSample(a, b);
    expect(result.statistic).toBeCloseTo(0.4166666666666667, 14);
    expect(Math.abs(result.pValue - 0.32404540763673895)).toBeLessThan(1e-9);
  });

  it('uses the exact method up to 10000 per sample and the asymptotic one beyond', () => {
    const small = parkMiller(41, 10_000);
    const large = parkMiller(43, 10_001);
    expect(ksTwoSample(small, parkMiller(42, 10_000)).method).toBe('exact');
    expect(ksTwoSample(small, large).method).toBe('asymp');
  });

  it('gives p = 1 for identical samples and rejects an empty one', () => {
    const x = parkMiller(5, 30);
    expect(ksTwoSample(x, x).pValue).toBe(1);
    expect(() => ksTwoSample([], x)).toThrow(RangeError);
  });

  it('rejects NaN instead of sorting it somewhere', () => {
    expect(() => ksTwoSample([1, Number.NaN, 2], [1, 2, 3])).toThrow(/NaN/);
  });
});

describe('ksOneSample', () => {
  const uniformCdf = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x);

  it('matches scipy kstest against U(0,1) for a stretched sample (n = 200)', () => {
    // scipy.stats.kstest(parkMiller(31, 200) * 1.1, 'uniform'), scipy 1.17.1
    const x = parkMiller(31, 200).map((v) => v * 1.1);
    const result = ksOneSample(x, uniformCdf);
    expect(result.statistic).toBeCloseTo(0.09619399703396214, 12);
    expect(Math.abs(result.pValue - 0.04614501435523555)).toBeLessThan(1e-9);
  });

  it('matches scipy kstest against U(0,1) for a shifted sample (n = 40)', () => {
    // scipy.stats.kstest(parkMiller(33, 40) + 0.1, 'uniform'), scipy 1.17.1
    const x = parkMiller(33, 40).map((v) => v + 0.1);
    const result = ksOneSample(x, uniformCdf);
    expect(result.statistic).toBeCloseTo(0.13545435347382648, 12);
    expect(Math.abs(result.pValue - 0.4181782617631482)).toBeLessThan(1e-9);
  });
});
