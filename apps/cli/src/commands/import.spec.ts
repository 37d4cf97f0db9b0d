import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getNumericColumn } from '@ratchet/ml';
import { FileBatchStore } from '@ratchet/retrainer';
import { importCsv } from './import.js';

describe('ratchet import', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-import-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports a labelled CSV into sealed batches once, however often it is imported', async () => {
    const csv = join(dir, 'data.csv');
    await writeFile(csv, 'x,color,y\n1,red,yes\n2,blue,no\n3,,yes\n4,red,\n5,blue,no\n');
    const batches = join(dir, 'batches');
    const first = await importCsv(csv, { model: 'm', label: 'y', positive: 'yes', batches, batchRows: 2 });
    expect(first).toMatchObject({ appended: 4, duplicates: 0, droppedUnlabelled: 1, batchIds: ['b000001', 'b000002'] });
    const second = await importCsv(csv, { model: 'm', label: 'y', positive: 'yes', batches, batchRows: 2 });
    expect(second).toMatchObject({ appended: 0, duplicates: 4, batchIds: [] });
    const store = new FileBatchStore({ root: batches });
    const { table } = await store.readTable('m', ['b000001', 'b000002'], { labelColumn: 'y' });
    expect(Array.from(getNumericColumn(table, 'x').values)).toEqual([1, 2, 3, 5]);
    expect(Array.from(getNumericColumn(table, 'y').values)).toEqual([1, 0, 1, 0]);
    await store.close();
  });
});
