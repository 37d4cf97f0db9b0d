import { describe, expect, it } from 'vitest';
import { type TrainSpec, Rng, bootstrapIndices, createTable, makeSyntheticBinary, numericColumn } from '@ratchet/ml';
import { compactTask } from './compact-task.js';
import { runTrainTask } from './run-task.js';

const data = makeSyntheticBinary({ nRows: 500, seed: 7 });
// An extra column no schema names: it must not travel.
const table = createTable([...data.table.columns, numericColumn('unused', Array.from({ length: 500 }, (_, i) => i))]);
const { schema } = data;
const trainRows = Int32Array.from(bootstrapIndices(300, new Rng(11)), (r) => 100 + r);
const evaluateRows = Int32Array.from({ length: 60 }, (_, i) => 420 + i);

describe('compactTask', () => {
  it.each([
    ['logistic-regression', { l2: 0.3 }],
    ['cart', { maxDepth: 4 }],
    ['gbdt', { nRounds: 8, subsample: 0.8 }],
    ['mlp', { hiddenLayers: [4], maxEpochs: 3 }],
  ])('gives a %s task the same outcome on the sub-table as on the full table', (kind, params) => {
    const spec: TrainSpec = { schema, model: { kind, params }, rows: trainRows, seed: 5 };
    const full = runTrainTask(table, { spec, evaluateRows });
    const compact = compactTask(table, { spec, evaluateRows });
    const remote = runTrainTask(compact.table, compact.task);
    expect(remote.result).toEqual(full.result);
    expect(Array.from(remote.predictions ?? [])).toEqual(Array.from(full.predictions ?? []));
  });

  it('keeps only the distinct rows and the columns the schema names (features, label, time), repeats remapped', () => {
    const { table: sub, task } = compactTask(table, { spec: { schema, model: { kind: 'cart' }, rows: Int32Array.of(9, 3, 9, 40) }, evaluateRows: Int32Array.of(3, 77) });
    expect(sub.nRows).toBe(4);
    expect(sub.columns.map((c) => c.name)).toEqual([...schema.features.map((f) => f.name), schema.label, 't']);
    expect(Array.from(task.spec.rows ?? [])).toEqual([1, 0, 1, 2]);
    expect(Array.from(task.evaluateRows ?? [])).toEqual([0, 3]);
  });

  it('keeps every row of a task that trains on the whole table', () => {
    const { table: sub, task } = compactTask(table, { spec: { schema, model: { kind: 'cart' } } });
    expect(sub.nRows).toBe(500);
    expect(task.spec.rows).toBeUndefined();
  });

  it('refuses a row index outside the table, naming it', () => {
    expect(() => compactTask(table, { spec: { schema, model: { kind: 'cart' }, rows: Int32Array.of(1, 500) } })).toThrow(/training row index 500 at position 1/);
  });
});
