import { describe, it, expect } from 'vitest';
import { checkWeights, extractLabels, extractWeights, rowsWithLabel } from './labels.js';
import { categoricalColumn, createTable, numericColumn, takeRows } from './table.js';

describe('labels', () => {
  const table = createTable([
    categoricalColumn('y', ['no', 'yes', null, 'yes']),
    numericColumn('n', [0, 1, 1, NaN]),
    numericColumn('w', [1, 2, 0.5, 0]),
  ]);

  it('marks the positive class as 1 for a categorical label', () => {
    const rows = rowsWithLabel(table, { label: 'y' });
    expect(Array.from(rows)).toEqual([0, 1, 3]);
    const labelled = takeRows(table, rows);
    expect(Array.from(extractLabels(labelled, { label: 'y', positiveClass: 'yes' }))).toEqual([0, 1, 1]);
  });

  it('throws on a missing label and on an unknown positive class', () => {
    expect(() => extractLabels(table, { label: 'y', positiveClass: 'yes' })).toThrow(/missing at row 2/);
    expect(() => extractLabels(table, { label: 'y', positiveClass: 'Yes' })).toThrow(/no class 'Yes'/);
  });

  it('compares a numeric label with the positive class as a number', () => {
    const t = createTable([numericColumn('n', [0, 1, 1])]);
    expect(Array.from(extractLabels(t, { label: 'n', positiveClass: '1' }))).toEqual([0, 1, 1]);
  });

  it('extracts weights and rejects invalid ones', () => {
    expect(Array.from(extractWeights(table, { weight: 'w' }) ?? [])).toEqual([1, 2, 0.5, 0]);
    expect(extractWeights(table, {})).toBeUndefined();
    expect(() => checkWeights(new Float64Array([0, 0]), 2, 'fit')).toThrow(/sum to zero/);
    expect(() => checkWeights(new Float64Array([1, -1]), 2, 'fit')).toThrow(RangeError);
  });
});
