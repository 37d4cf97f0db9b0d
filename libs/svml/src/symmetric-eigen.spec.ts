import { describe, expect, it } from 'vitest';
import { Rng } from '@ratchet/ml';
import { symmetricEigen } from './symmetric-eigen.js';

describe('symmetricEigen', () => {
  it('finds the eigenvalues 1 and 3 of [[2, 1], [1, 2]]', () => {
    const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(Array.from(values).sort()).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
  });

  it('satisfies A V = V Λ with orthonormal V on random symmetric matrices', () => {
    const rng = new Rng(5);
    for (const p of [3, 6, 10]) {
      const a = new Float64Array(p * p);
      for (let i = 0; i < p; i++) for (let j = i; j < p; j++) a[i * p + j] = a[j * p + i] = rng.normal();
      const { values, vectors } = symmetricEigen(a, p);
      for (let i = 0; i < p; i++) {
        for (let k = 0; k < p; k++) {
          let av = 0;
          for (let j = 0; j < p; j++) av += (a[i * p + j] ?? 0) * (vectors[j * p + k] ?? 0);
          expect(av).toBeCloseTo((values[k] ?? 0) * (vectors[i * p + k] ?? 0), 10);
          let dot = 0;
          for (let j = 0; j < p; j++) dot += (vectors[j * p + i] ?? 0) * (vectors[j * p + k] ?? 0);
          expect(dot).toBeCloseTo(i === k ? 1 : 0, 12);
        }
      }
    }
  });
});
