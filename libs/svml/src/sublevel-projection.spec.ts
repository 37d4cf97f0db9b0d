import { describe, expect, it } from 'vitest';
import { ellipsoid, projectOntoEllipsoid } from './ellipsoid-projection.js';
import { Rng } from '@ratchet/ml';
import { projectOntoSublevelSet, type SmoothConvexFunction } from './sublevel-projection.js';

describe('projectOntoSublevelSet', () => {
  it('agrees with the exact ellipsoid projection on a quadratic', () => {
    const rng = new Rng(31);
    const p = 4;
    const m = Float64Array.from({ length: p * p }, () => rng.normal());
    const q = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let s = i === j ? 0.2 : 0;
        for (let k = 0; k < p; k++) s += (m[k * p + i] ?? 0) * (m[k * p + j] ?? 0);
        q[i * p + j] = s;
      }
    }
    const center = Float64Array.from({ length: p }, () => rng.normal());
    // L(x) = 3 + (x − c)ᵀQ(x − c); the sublevel set {L ≤ 3 + r} is the ellipsoid of radius r.
    const f: SmoothConvexFunction = {
      dim: p,
      value: (x) => {
        let s = 3;
        for (let a = 0; a < p; a++) {
          for (let b = 0; b < p; b++) {
            s += ((x[a] ?? 0) - (center[a] ?? 0)) * (q[a * p + b] ?? 0) * ((x[b] ?? 0) - (center[b] ?? 0));
          }
        }
        return s;
      },
      gradient: (x) =>
        Float64Array.from({ length: p }, (_, a) => {
          let s = 0;
          for (let b = 0; b < p; b++) s += 2 * (q[a * p + b] ?? 0) * ((x[b] ?? 0) - (center[b] ?? 0));
          return s;
        }),
      hessian: () => Float64Array.from(q, (v) => 2 * v),
    };
    const radius = 0.7;
    const e = ellipsoid(center, q, radius);
    for (let trial = 0; trial < 10; trial++) {
      const z = Float64Array.from(center, (c) => c + 3 * rng.normal());
      const exact = projectOntoEllipsoid(e, z);
      const generic = projectOntoSublevelSet(f, z, 3 + radius, center);
      for (let a = 0; a < p; a++) expect(generic.point[a]).toBeCloseTo(exact.point[a] ?? 0, 9);
      // x − z + μ_E Q(x − c) = 0 for the ellipsoid and x − z + μ_L ∇L(x) = x − z + 2μ_L Q(x − c) here.
      expect(generic.multiplier).toBeCloseTo(exact.multiplier / 2, 7);
    }
  });

  it('returns the minimiser when the level equals the minimum', () => {
    const f: SmoothConvexFunction = {
      dim: 1,
      value: (x) => ((x[0] ?? 0) - 2) ** 2,
      gradient: (x) => Float64Array.of(2 * ((x[0] ?? 0) - 2)),
      hessian: () => Float64Array.of(2),
    };
    expect(projectOntoSublevelSet(f, Float64Array.of(10), 0, Float64Array.of(2)).point[0]).toBe(2);
  });
});
