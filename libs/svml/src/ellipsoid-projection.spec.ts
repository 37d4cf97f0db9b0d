import { describe, expect, it } from 'vitest';
import { ellipsoid, ellipsoidConstraint, projectOntoEllipsoid } from './ellipsoid-projection.js';
import { Rng } from '@ratchet/ml';

function randomEllipsoid(seed: number, p: number) {
  const rng = new Rng(seed);
  // Q = MᵀM + 0.1 I is positive definite.
  const m = Float64Array.from({ length: p * p }, () => rng.normal());
  const q = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = i === j ? 0.1 : 0;
      for (let k = 0; k < p; k++) s += (m[k * p + i] ?? 0) * (m[k * p + j] ?? 0);
      q[i * p + j] = s;
    }
  }
  const center = Float64Array.from({ length: p }, () => rng.normal());
  return { e: ellipsoid(center, q, 0.5 + rng.next()), rng };
}

describe('projectOntoEllipsoid', () => {
  it('projects a circle exactly: the point moves radially to the boundary', () => {
    const e = ellipsoid(Float64Array.from([0, 0]), Float64Array.from([1, 0, 0, 1]), 4);
    const { point, multiplier } = projectOntoEllipsoid(e, [6, 8]);
    expect(point[0]).toBeCloseTo(1.2, 12);
    expect(point[1]).toBeCloseTo(1.6, 12);
    // x = z / (1 + μ) with ||x|| = 2 → μ = 4
    expect(multiplier).toBeCloseTo(4, 10);
  });

  it('returns interior points unchanged', () => {
    const { e } = randomEllipsoid(1, 4);
    const { point, multiplier } = projectOntoEllipsoid(e, e.center);
    expect(Array.from(point)).toEqual(Array.from(e.center));
    expect(multiplier).toBe(0);
  });

  it('lands on the boundary, satisfies KKT and the projection inequality', () => {
    for (let seed = 2; seed < 12; seed++) {
      const p = 2 + (seed % 6);
      const { e, rng } = randomEllipsoid(seed, p);
      const z = Float64Array.from(e.center, (c) => c + 5 * rng.normal());
      if (ellipsoidConstraint(e, z) <= 0) continue;
      const { point: x, multiplier: mu } = projectOntoEllipsoid(e, z);
      expect(Math.abs(ellipsoidConstraint(e, x))).toBeLessThan(1e-9 * e.radius + 1e-12);
      // Stationarity: x − z + μ Q (x − c) = 0
      for (let a = 0; a < p; a++) {
        let qx = 0;
        for (let b = 0; b < p; b++) qx += (e.shape[a * p + b] ?? 0) * ((x[b] ?? 0) - (e.center[b] ?? 0));
        expect((x[a] ?? 0) - (z[a] ?? 0) + mu * qx).toBeCloseTo(0, 8);
      }
      // Variational inequality ⟨z − x, y − x⟩ ≤ 0 for feasible y (random interior points).
      for (let trial = 0; trial < 20; trial++) {
        const y = Float64Array.from(e.center, (c) => c + 0.3 * rng.normal());
        if (ellipsoidConstraint(e, y) > 0) continue;
        let inner = 0;
        for (let a = 0; a < p; a++) inner += ((z[a] ?? 0) - (x[a] ?? 0)) * ((y[a] ?? 0) - (x[a] ?? 0));
        expect(inner).toBeLessThanOrEqual(1e-9);
      }
    }
  });

  it('collapses onto the centre when the radius is zero', () => {
    const e = ellipsoid(Float64Array.from([1, 2]), Float64Array.from([2, 0, 0, 3]), 0);
    const { point } = projectOntoEllipsoid(e, [5, -5]);
    expect(point[0]).toBeCloseTo(1, 12);
    expect(point[1]).toBeCloseTo(2, 12);
  });
});
