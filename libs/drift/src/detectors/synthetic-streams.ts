import { SeededRandom } from '../testing/seeded-random.js';

/** A stream segment: `length` observations from Bernoulli(p) or Normal(mean, std). */
export type Segment =
  | { readonly length: number; readonly errorRate: number }
  | { readonly length: number; readonly mean: number; readonly std: number };

/**
 * Seeded piecewise-stationary stream for detector tests and benchmarks. Returns the values and
 * the change points (index of the first observation of every segment after the first).
 */
export function piecewiseStream(seed: number, segments: readonly Segment[]): { values: Float64Array; changePoints: number[] } {
  const rng = new SeededRandom(seed);
  const total = segments.reduce((n, s) => n + s.length, 0);
  const values = new Float64Array(total);
  const changePoints: number[] = [];
  let t = 0;
  segments.forEach((s, k) => {
    if (k > 0) changePoints.push(t);
    for (let i = 0; i < s.length; i++) values[t++] = 'errorRate' in s ? rng.bernoulli(s.errorRate) : rng.normal(s.mean, s.std);
  });
  return { values, changePoints };
}
