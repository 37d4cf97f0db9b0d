import { describe, it, expect } from 'vitest';
import { extractLabels } from './labels.js';
import { validateSchema } from './schema.js';
import { makeSyntheticBinary } from './synthetic.js';
import { getNumericColumn } from './table.js';

describe('makeSyntheticBinary', () => {
  it('is reproducible for a seed and fits its own schema', () => {
    const a = makeSyntheticBinary({ nRows: 200, seed: 4 });
    const b = makeSyntheticBinary({ nRows: 200, seed: 4 });
    validateSchema(a.table, a.schema);
    expect(Array.from(getNumericColumn(a.table, 'x1').values)).toEqual(Array.from(getNumericColumn(b.table, 'x1').values));
  });

  it('draws labels whose mean matches the mean true probability', () => {
    const { table, schema, trueLogit } = makeSyntheticBinary({ nRows: 20_000, seed: 1 });
    const y = extractLabels(table, schema);
    let observed = 0;
    let expected = 0;
    for (let i = 0; i < y.length; i++) {
      observed += y[i] as number;
      expected += 1 / (1 + Math.exp(-(trueLogit[i] as number)));
    }
    // Binomial sd of the mean ≤ 0.5/sqrt(n) ≈ 0.0035; allow ~4 sd.
    expect(Math.abs(observed - expected) / y.length).toBeLessThan(0.015);
  });

  it('blanks about missingRate of each feature', () => {
    const { table } = makeSyntheticBinary({ nRows: 10_000, seed: 2, missingRate: 0.1 });
    const x1 = getNumericColumn(table, 'x1').values;
    const nMissing = x1.filter((v) => Number.isNaN(v)).length;
    expect(Math.abs(nMissing / x1.length - 0.1)).toBeLessThan(0.015);
  });
});
