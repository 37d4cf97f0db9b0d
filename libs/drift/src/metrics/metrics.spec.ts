import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../testing/seeded-random.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { populationStabilityIndex } from './psi.js';
import { absLinearIntegral, wasserstein1Sorted } from './wasserstein.js';

describe('populationStabilityIndex', () => {
  it('matches the hand-computed Σ (q−p) ln(q/p) = 0.457290… for p=(¼,¼,½), q=(½,0.3,0.2)', () => {
    expect(populationStabilityIndex([25, 25, 50], [50, 30, 20])).toBeCloseTo(0.45729009254193054, 13);
  });

  it('floors an empty reference bin at epsilon = 1e-4 (hand value 1.564049…)', () => {
    expect(populationStabilityIndex([50, 50, 0], [40, 40, 20])).toBeCloseTo(1.5640491119253044, 12);
  });

  it('is zero for identical proportions and symmetric in its arguments', () => {
    expect(populationStabilityIndex([1, 2, 3], [10, 20, 30])).toBeCloseTo(0, 15);
    expect(populationStabilityIndex([3, 1], [1, 3])).toBeCloseTo(populationStabilityIndex([1, 3], [3, 1]), 15);
  });
});

describe('jensenShannonDistance', () => {
  it('matches scipy.spatial.distance.jensenshannon(base=2), scipy 1.17.1', () => {
    expect(jensenShannonDistance([500, 300, 150, 50, 0], [90, 70, 20, 5, 15])).toBeCloseTo(0.21571564650989064, 13);
    expect(jensenShannonDistance([0.25, 0.25, 0.5], [0.5, 0.3, 0.2])).toBeCloseTo(0.2831758377317573, 13);
  });

  it('reaches exactly 1 for disjoint supports', () => {
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(1, 15);
  });
});

describe('wasserstein1Sorted', () => {
  it('matches scipy.stats.wasserstein_distance on a tied example, scipy 1.17.1', () => {
    const a = Float64Array.from([0.1, 0.4, 0.4, 0.7, 1.2, 1.5, 2.0, 2.2]);
    const b = Float64Array.from([0.3, 0.4, 0.9, 1.0, 1.1, 1.5, 1.9, 2.5, 2.6, 3.0, 3.1, 3.3]);
    expect(wasserstein1Sorted(a, b)).toBeCloseTo(0.7374999999999999, 13);
  });

  it('equals the shift for a translated sample', () => {
    const a = new SeededRandom(7).normals(1000).sort();
    const b = a.map((v) => v + 0.75);
    expect(wasserstein1Sorted(a, b)).toBeCloseTo(0.75, 10);
  });
});

describe('absLinearIntegral', () => {
  it('integrates through a sign change as two triangles', () => {
    // |t − ½| on [0, 1] integrates to ¼.
    expect(absLinearIntegral(-0.5, 0.5, 1)).toBeCloseTo(0.25, 15);
    expect(absLinearIntegral(0.2, 0.4, 2)).toBeCloseTo(0.6, 15);
  });
});
