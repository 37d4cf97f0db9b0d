import { describe, expect, it } from 'vitest';
import { gatingSplit } from './gating-split.js';

describe('gatingSplit', () => {
  const y = Float64Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 1 : 0));

  it('partitions the rows into three disjoint stratified parts of the requested sizes', () => {
    const s = gatingSplit(y, { fitFraction: 0.2, calibrationFraction: 0.3, seed: 4 });
    const all = [...s.model, ...s.fit, ...s.calibration].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(s.fit.length).toBe(200);
    expect(s.calibration.length).toBe(300);
    const positives = (rows: Int32Array) => Array.from(rows).filter((i) => y[i] === 1).length / rows.length;
    expect(positives(s.calibration)).toBeCloseTo(0.25, 2);
    expect(positives(s.fit)).toBeCloseTo(0.25, 2);
  });

  it('is deterministic for a seed', () => {
    expect(gatingSplit(y, { seed: 9 })).toEqual(gatingSplit(y, { seed: 9 }));
    expect(gatingSplit(y, { seed: 9 }).fit).not.toEqual(gatingSplit(y, { seed: 10 }).fit);
  });

  it('refuses fractions that leave no rows for the models', () => {
    expect(() => gatingSplit(y, { fitFraction: 0.5, calibrationFraction: 0.5 })).toThrow(/sum below 1/);
  });
});
