import { describe, expect, it } from 'vitest';
import { type Table, extractLabels, getNumericColumn, makeSyntheticBinary } from '@ratchet/ml';
import { permutationImportance } from './permutation-importance.js';

const { table, schema } = makeSyntheticBinary({ nRows: 800, seed: 4, missingRate: 0 });
const labels = extractLabels(table, schema);
// A model that looks at x1 only: P = σ(1.5·x1).
const onlyX1 = (t: Table) => Float64Array.from(getNumericColumn(t, 'x1').values, (x) => 1 / (1 + Math.exp(-1.5 * x)));
const features = ['x1', 'x2', 'x3', 'color', 'region'];

describe('permutationImportance', () => {
  it('credits only the column the model reads', async () => {
    const { baseline, importances } = await permutationImportance({ table, labels, features, predict: onlyX1, repeats: 2, seed: 9 });
    expect(baseline).toBeGreaterThan(0.7);
    expect(importances[0]).toBeGreaterThan(0.15);
    expect(Array.from(importances.slice(1))).toEqual([0, 0, 0, 0]);
  });

  it('uses the same permutations for the same seed, whatever the model', async () => {
    const a = await permutationImportance({ table, labels, features, predict: onlyX1, metric: 'log-loss', seed: 3 });
    const b = await permutationImportance({ table, labels, features, predict: async (t) => onlyX1(t), metric: 'log-loss', seed: 3 });
    expect(Array.from(a.importances)).toEqual(Array.from(b.importances));
    expect(a.baseline).toBeGreaterThan(0);
  });
});
