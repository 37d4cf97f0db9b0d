import { describe, expect, it } from 'vitest';
import { alphaFeasible, alphaFeasibleLayers } from './alpha-feasibility.js';

describe('alphaFeasible', () => {
  it('keeps losses within (1 + α) of the batch minimum', () => {
    const losses = [2.0, 2.1, 2.2, 2.21, 3.0];
    expect(Array.from(alphaFeasible(losses, 0.1, 'loss'))).toEqual([0, 1, 2]);
    expect(Array.from(alphaFeasible(losses, 0, 'loss'))).toEqual([0]);
  });

  it('keeps scores within (1 − α) of the batch maximum', () => {
    const auc = [0.8, 0.79, 0.72, 0.719, 0.5];
    expect(Array.from(alphaFeasible(auc, 0.1, 'score'))).toEqual([0, 1, 2]);
    expect(Array.from(alphaFeasible(auc, 1, 'score'))).toEqual([0, 1, 2, 3, 4]);
  });

  it('always keeps the best candidate, even with α = 0 and ties', () => {
    expect(Array.from(alphaFeasible([1, 0.5, 0.5], 0, 'loss'))).toEqual([1, 2]);
  });

  it('builds one layer per batch and rejects negative losses', () => {
    const layers = alphaFeasibleLayers([[1, 2], [3, 3.1, 9]], 0.05, 'loss');
    expect(layers.map((l) => Array.from(l))).toEqual([[0], [0, 1]]);
    expect(() => alphaFeasible([-1, 2], 0.1, 'loss')).toThrow(RangeError);
  });
});
