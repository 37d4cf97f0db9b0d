import { describe, it, expect } from 'vitest';
import { categoricalColumn, createTable, numericColumn } from '../data/table.js';
import { Preprocessor } from './preprocessor.js';

const train = createTable([
  numericColumn('a', [1, 2, null, 5]),
  categoricalColumn('c', ['x', 'y', 'x', null]),
]);
const specs = [
  { name: 'a', type: 'numeric' as const },
  { name: 'c', type: 'categorical' as const },
];

describe('Preprocessor', () => {
  it('imputes the mean and standardises with the population sd of the imputed column', () => {
    const pre = Preprocessor.fit(train, specs);
    // mean of {1,2,5} = 8/3; imputed column {1,2,8/3,5} has mean 8/3 and
    // population variance ((5/3)² + (2/3)² + 0 + (7/3)²)/4 = (78/9)/4 = 13/6.
    const f = pre.features[0];
    expect(f).toMatchObject({ type: 'numeric', fill: 8 / 3, center: 8 / 3 });
    expect(f?.type === 'numeric' ? f.scale : 0).toBeCloseTo(Math.sqrt(13 / 6), 14);
  });

  it('imputes the median when asked', () => {
    const pre = Preprocessor.fit(train, specs, { impute: 'median', standardize: false });
    expect(pre.features[0]).toEqual({ type: 'numeric', name: 'a', fill: 2, center: 0, scale: 1 });
  });

  it('one-hot encodes with a missing indicator and names every column', () => {
    const pre = Preprocessor.fit(train, specs, { standardize: false });
    expect(pre.featureNames).toEqual(['a', 'c=x', 'c=y', 'c=<missing>']);
    expect(Array.from(pre.transform(train))).toEqual([1, 1, 0, 0, 2, 0, 1, 0, 8 / 3, 1, 0, 0, 5, 0, 0, 1]);
  });

  it('encodes unseen categories as zeros and, when ignored, missing ones too', () => {
    const pre = Preprocessor.fit(train, specs, { standardize: false, categoricalMissing: 'ignore' });
    expect(pre.featureNames).toEqual(['a', 'c=x', 'c=y']);
    const test = createTable([numericColumn('a', [0, 0]), categoricalColumn('c', ['z', null])]);
    expect(Array.from(pre.transform(test))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('matches categories by value when the test dictionary differs from training', () => {
    const pre = Preprocessor.fit(train, specs, { standardize: false });
    const test = createTable([numericColumn('a', [0]), categoricalColumn('c', ['y'], ['a', 'y'])]);
    expect(Array.from(pre.transform(test))).toEqual([0, 0, 1, 0]);
  });

  it('drops rare categories and keeps the most frequent ones', () => {
    const pre = Preprocessor.fit(train, specs, { minCategoryCount: 2 });
    expect(pre.featureNames).toEqual(['a', 'c=x', 'c=<missing>']);
    expect(Preprocessor.fit(train, specs, { maxCategories: 1 }).featureNames).toEqual(['a', 'c=x', 'c=<missing>']);
  });

  it('maps a constant column to zero instead of dividing by zero', () => {
    const t = createTable([numericColumn('k', [3, 3, 3])]);
    const pre = Preprocessor.fit(t, [{ name: 'k', type: 'numeric' }]);
    expect(Array.from(pre.transform(t))).toEqual([0, 0, 0]);
  });

  it('round-trips through JSON', () => {
    const pre = Preprocessor.fit(train, specs);
    const back = Preprocessor.fromJSON(JSON.parse(JSON.stringify(pre)));
    expect(Array.from(back.transform(train))).toEqual(Array.from(pre.transform(train)));
    expect(back.offsets).toEqual(pre.offsets);
  });

  it('throws when a column has changed type', () => {
    const pre = Preprocessor.fit(train, specs);
    const wrong = createTable([numericColumn('a', [1]), numericColumn('c', [1])]);
    expect(() => pre.transform(wrong)).toThrow(/'c' is numeric, expected categorical/);
  });
});
