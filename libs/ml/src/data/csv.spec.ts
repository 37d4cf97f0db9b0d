import { describe, it, expect } from 'vitest';
import { parseCsv, parseCsvRecords } from './csv.js';
import { getCategoricalColumn, getNumericColumn } from './table.js';

describe('parseCsvRecords', () => {
  it('handles quotes, escaped quotes, embedded delimiters and newlines, and CRLF', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\r\n"multi\nline",2\r\n';
    expect(parseCsvRecords(text)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
  });

  it('keeps a trailing empty field and skips blank lines', () => {
    expect(parseCsvRecords('a,b\n\n1,\n')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('reports an unterminated quote with its line', () => {
    expect(() => parseCsvRecords('a\n"open\n')).toThrow(/line 2/);
  });
});

describe('parseCsv', () => {
  const text = ['age, workclass ,income', '39, State-gov, <=50K', '?, Private, >50K', '50,,<=50K', '"28", ?, >50K'].join('\n');

  it('infers numeric and categorical columns and treats ? and empty as missing', () => {
    const t = parseCsv(text);
    expect(t.nRows).toBe(4);
    expect(Array.from(getNumericColumn(t, 'age').values)).toEqual([39, NaN, 50, 28]);
    const w = getCategoricalColumn(t, 'workclass');
    expect(w.categories).toEqual(['Private', 'State-gov']);
    expect(Array.from(w.codes)).toEqual([1, 0, -1, -1]);
    expect(getCategoricalColumn(t, 'income').categories).toEqual(['<=50K', '>50K']);
  });

  it('uses declared types over inference', () => {
    const t = parseCsv('zip,v\n02139,1\n10001,2\n', { columnTypes: { zip: 'categorical' } });
    expect(getCategoricalColumn(t, 'zip').categories).toEqual(['02139', '10001']);
  });

  it('throws when a declared numeric column holds text, naming the record', () => {
    expect(() => parseCsv('v\n1\nabc\n', { columnTypes: { v: 'numeric' } })).toThrow(/record 2 holds 'abc'/);
  });

  it('throws on a record with the wrong number of fields', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(/record 2 has 1 fields/);
  });

  it('accepts headerless input with given names, another delimiter and extra missing tokens', () => {
    const t = parseCsv('1;NA\n2;3\n', { header: false, columnNames: ['p', 'q'], delimiter: ';', missingTokens: ['NA'] });
    expect(Array.from(getNumericColumn(t, 'q').values)).toEqual([NaN, 3]);
  });
});
