import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../testing/seeded-random.js';
import { sortFloat64 } from './sort-float64.js';

function reference(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

describe('sortFloat64', () => {
  it('sorts mixed-sign values of very different magnitudes like the built-in sort', () => {
    const rng = new SeededRandom(1);
    const values = Float64Array.from({ length: 5000 }, () => rng.normal() * 10 ** (rng.int(40) - 20));
    expect(Array.from(sortFloat64(Float64Array.from(values)))).toEqual(Array.from(reference(values)));
  });

  it('keeps duplicates, infinities and subnormals in order', () => {
    const rng = new SeededRandom(2);
    const pool = [0, 1, -1, 2.5, -2.5, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity];
    const values = Float64Array.from({ length: 3000 }, () => pool[rng.int(pool.length)] as number);
    expect(Array.from(sortFloat64(Float64Array.from(values)))).toEqual(Array.from(reference(values)));
  });

  it('treats −0 and +0 as equal neighbours', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : i - 500));
    const sorted = sortFloat64(values);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]).toBeGreaterThanOrEqual(sorted[i - 1] as number);
  });

  it('sorts a subarray view in place without touching the rest of the buffer', () => {
    const buffer = Float64Array.from({ length: 2000 }, (_, i) => 2000 - i);
    const view = buffer.subarray(500, 1500);
    sortFloat64(view);
    expect(view[0]).toBe(501);
    expect(view[999]).toBe(1500);
    expect(buffer[0]).toBe(2000);
    expect(buffer[1999]).toBe(1);
  });

  it('falls back to the built-in sort for short arrays', () => {
    expect(Array.from(sortFloat64(Float64Array.from([3, -1, 2])))).toEqual([-1, 2, 3]);
  });
});
