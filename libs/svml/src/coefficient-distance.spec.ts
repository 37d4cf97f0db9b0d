import { describe, expect, it } from 'vitest';
import { coefficientDistance } from './coefficient-distance.js';
import { importanceDistance } from './importance-distance.js';

describe('coefficientDistance', () => {
  it('is the squared Euclidean distance of the coefficient vectors', () => {
    expect(coefficientDistance([1, 2, 3], [1, 0, 4])).toBe(5);
    expect(() => coefficientDistance([1], [1, 2])).toThrow(RangeError);
  });
});

describe('importanceDistance', () => {
  it('compares importance profiles after L1 normalisation', () => {
    // [2, 2, 0] → [.5, .5, 0]; [1, 0, 3] → [.25, 0, .75]: .0625 + .25 + .5625
    expect(importanceDistance([2, 2, 0], [1, 0, 3])).toBeCloseTo(0.875, 15);
  });

  it('ignores the overall scale of the importances', () => {
    expect(importanceDistance([1, 2, 3], [10, 20, 30])).toBeCloseTo(0, 15);
  });
});
