import { describe, it, expect } from 'vitest';
import {
  categoricalColumn,
  categoryAt,
  createTable,
  getCategoricalColumn,
  getNumericColumn,
  numericColumn,
  selectColumns,
  sliceRows,
  takeRows,
} from './table.js';

const table = createTable([
  numericColumn('a', [1, null, 3, 4]),
  categoricalColumn('c', ['x', 'y', null, 'x']),
]);

describe('table', () => {
  it('stores missing numbers as NaN and missing categories as -1 with a sorted dictionary', () => {
    expect(Array.from(getNumericColumn(table, 'a').values)).toEqual([1, NaN, 3, 4]);
    const c = getCategoricalColumn(table, 'c');
    expect(c.categories).toEqual(['x', 'y']);
    expect(Array.from(c.codes)).toEqual([0, 1, -1, 0]);
    expect(categoryAt(c, 1)).toBe('y');
    expect(categoryAt(c, 2)).toBeNull();
  });

  it('takes rows in the given order, with repeats, keeping the dictionary', () => {
    const t = takeRows(table, [3, 1, 3]);
    expect(t.nRows).toBe(3);
    expect(Array.from(getNumericColumn(t, 'a').values)).toEqual([4, NaN, 4]);
    const c = getCategoricalColumn(t, 'c');
    expect(Array.from(c.codes)).toEqual([0, 1, 0]);
    expect(c.categories).toBe(getCategoricalColumn(table, 'c').categories);
  });

  it('slices and selects columns', () => {
    const t = selectColumns(sliceRows(table, 1, 3), ['c']);
    expect(t.nRows).toBe(2);
    expect(t.columns.map((c) => c.name)).toEqual(['c']);
  });

  it('rejects duplicate names, ragged columns and out-of-range rows', () => {
    expect(() => createTable([numericColumn('a', [1]), numericColumn('a', [2])])).toThrow(/duplicate/);
    expect(() => createTable([numericColumn('a', [1]), numericColumn('b', [1, 2])])).toThrow(/rows/);
    expect(() => takeRows(table, [4])).toThrow(RangeError);
  });

  it('names the available columns when one is missing or has the wrong type', () => {
    expect(() => getNumericColumn(table, 'zzz')).toThrow(/columns: a, c/);
    expect(() => getNumericColumn(table, 'c')).toThrow(TypeError);
  });
});
