import { describe, it, expect } from 'vitest';
import { stratifiedSplit, temporalOrder, temporalSplit } from './split.js';
import { createTable, numericColumn } from './table.js';

describe('stratifiedSplit', () => {
  const y = new Float64Array(100);
  for (let i = 0; i < 100; i++) y[i] = i % 4 === 0 ? 1 : 0; // 25 positives

  it('keeps class proportions and partitions the rows', () => {
    const { train, test } = stratifiedSplit(y, { testFraction: 0.2, seed: 1 });
    expect(test.length).toBe(20);
    expect(train.length).toBe(80);
    expect(Array.from(test).filter((i) => y[i] === 1).length).toBe(5);
    const all = new Set([...train, ...test]);
    expect(all.size).toBe(100);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const a = stratifiedSplit(y, { testFraction: 0.2, seed: 1 });
    const b = stratifiedSplit(y, { testFraction: 0.2, seed: 1 });
    const c = stratifiedSplit(y, { testFraction: 0.2, seed: 2 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(y, { testFraction: 1, seed: 1 })).toThrow(RangeError);
  });
});

describe('temporal split', () => {
  const table = createTable([numericColumn('t', [5, 1, 3, 1, 9])]);

  it('orders rows by time with ties in file order', () => {
    expect(Array.from(temporalOrder(table, 't'))).toEqual([1, 3, 2, 0, 4]);
  });

  it('puts the latest rows in test', () => {
    const { train, test } = temporalSplit(table, { testFraction: 0.4, time: 't' });
    expect(Array.from(train)).toEqual([1, 3, 2]);
    expect(Array.from(test)).toEqual([0, 4]);
  });

  it('falls back to file order without a time column', () => {
    expect(Array.from(temporalSplit(table, { testFraction: 0.2 }).test)).toEqual([4]);
  });
});
