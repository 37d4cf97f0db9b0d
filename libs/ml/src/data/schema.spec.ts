import { describe, it, expect } from 'vitest';
import { inferSchema, validateSchema } from './schema.js';
import { categoricalColumn, createTable, numericColumn } from './table.js';

describe('schema', () => {
  const table = createTable([
    numericColumn('id', [1, 2]),
    numericColumn('age', [30, 40]),
    categoricalColumn('job', ['a', 'b']),
    numericColumn('w', [1, 1]),
    categoricalColumn('y', ['no', 'yes']),
  ]);

  it('infers features from every column without another role', () => {
    const schema = inferSchema(table, { label: 'y', positiveClass: 'yes', weight: 'w', exclude: ['id'] });
    expect(schema.features).toEqual([
      { name: 'age', type: 'numeric' },
      { name: 'job', type: 'categorical' },
    ]);
    expect(schema.weight).toBe('w');
  });

  it('lists every problem of a schema that does not fit', () => {
    const bad = {
      features: [
        { name: 'age', type: 'categorical' as const },
        { name: 'nope', type: 'numeric' as const },
        { name: 'y', type: 'categorical' as const },
      ],
      label: 'y',
      positiveClass: 'yes',
      weight: 'job',
    };
    expect(() => validateSchema(table, bad)).toThrow(
      /'age' is numeric, schema says categorical.*'nope' is missing.*'y' is both feature and label.*'job' must be numeric/,
    );
  });
});
