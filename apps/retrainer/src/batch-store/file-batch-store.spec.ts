import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawEventTensor, type LabeledExample } from '@ratchet/contracts';
import { extractLabels, getCategoricalColumn, getNumericColumn } from '@ratchet/ml';
import type { LabeledRow } from './batch-store.js';
import { FileBatchStore } from './file-batch-store.js';
import { labeledExampleRows } from './labeled-rows.js';

const rows = (from: number, n: number): LabeledRow[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `r${from + i}`,
    timeMs: 1000 + from + i,
    features: { x: from + i, color: (from + i) % 2 === 0 ? 'red' : null },
    label: (from + i) % 3 === 0 ? 1 : 0,
  }));

describe('FileBatchStore', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-batches-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('cuts batches by row count and reads a prefix of batches back as one table', async () => {
    const store = new FileBatchStore({ root, batchRows: 4 });
    const r = await store.append('m', rows(0, 10));
    expect(r.appended).toBe(10);
    expect(r.sealed.map((b) => b.id)).toEqual(['b000001', 'b000002']);
    expect(await store.openRows('m')).toBe(2);
    const { table, batches } = await store.readTable('m', ['b000001', 'b000002'], { labelColumn: 'y', positiveClass: 'yes' });
    expect(table.nRows).toBe(8);
    expect(Array.from(getNumericColumn(table, 'x').values)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(getCategoricalColumn(table, 'color').codes[1]).toBe(-1);
    expect(Array.from(extractLabels(table, { label: 'y', positiveClass: 'yes' }))).toEqual([1, 0, 0, 1, 0, 0, 1, 0]);
    expect(batches.map((b) => Array.from(b.rows))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    await store.close();
  });

  it('skips rows whose key it already stored, also after a restart', async () => {
    const store = new FileBatchStore({ root, batchRows: 4 });
    await store.append('m', rows(0, 6));
    await store.close();
    const again = new FileBatchStore({ root, batchRows: 4 });
    const r = await again.append('m', rows(3, 6));
    expect(r).toMatchObject({ appended: 3, duplicates: 3 });
    expect((await again.listBatches('m')).map((b) => b.rows)).toEqual([4, 4]);
    expect(await again.openRows('m')).toBe(1);
    await again.close();
  });

  it('seals an open segment once it is older than the age limit', async () => {
    let now = 0;
    const store = new FileBatchStore({ root, batchRows: 100, batchMaxAgeMs: 1000, now: () => now });
    await store.append('m', rows(0, 3));
    expect(await store.sealDue()).toEqual([]);
    now = 1000;
    const sealed = await store.sealDue();
    expect(sealed).toEqual([{ id: 'b000001', model: 'm', rows: 3, firstTimeMs: 1000, lastTimeMs: 1002 }]);
    expect(await store.seal('m')).toBeUndefined();
    await store.close();
  });

  it('drops a torn last line of the open segment after a crash and keeps sealed batches intact', async () => {
    const store = new FileBatchStore({ root, batchRows: 4 });
    await store.append('m', rows(0, 6));
    const sealedBefore = await readFile(join(root, 'm', 'batch-000001.jsonl'), 'utf8');
    // The process died in the middle of writing row 6.
    await appendFile(join(root, 'm', 'open.jsonl'), '{"k":"r6","t":10');
    const restarted = new FileBatchStore({ root, batchRows: 4 });
    expect(await restarted.openRows('m')).toBe(2);
    const r = await restarted.append('m', rows(6, 2));
    expect(r).toMatchObject({ appended: 2, duplicates: 0 });
    expect(r.sealed.map((b) => b.id)).toEqual(['b000002']);
    const { table } = await restarted.readTable('m', ['b000001', 'b000002']);
    expect(Array.from(getNumericColumn(table, 'x').values)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await readFile(join(root, 'm', 'batch-000001.jsonl'), 'utf8')).toBe(sealedBefore);
    await restarted.close();
  });

  it('refuses a sealed batch with a corrupt line instead of reading part of it', async () => {
    const store = new FileBatchStore({ root, batchRows: 2 });
    await store.append('m', rows(0, 2));
    await store.close();
    await writeFile(join(root, 'm', 'batch-000001.jsonl'), '{"k":"r0"\n');
    await expect(new FileBatchStore({ root }).listBatches('m')).rejects.toThrow(/m batch b000001: corrupt line 1/);
  });

  it('keeps the files of each model in its own folder', async () => {
    const store = new FileBatchStore({ root, batchRows: 2 });
    await store.append('a', rows(0, 2));
    await store.append('b', rows(0, 1));
    expect(await store.models()).toEqual(['a', 'b']);
    expect(await readdir(join(root, 'a'))).toEqual(['batch-000001.jsonl']);
    expect(await readdir(join(root, 'b'))).toEqual(['open.jsonl']);
    await store.close();
  });
});

describe('labeledExampleRows', () => {
  it('turns the labelled rows of a request into keyed rows with named features', () => {
    const e: LabeledExample = {
      requestId: 'req-1', model: 'm', version: '1.0.0', arm: '', rowOffset: 3, rows: 2,
      inputs: [rawEventTensor('x1', 'FP32', [2, 1], Float32Array.of(0.5, Number.NaN)), rawEventTensor('color', 'BYTES', [2, 1], ['red', ''])],
      labels: [1, 0], predictedLabels: [1, 1], probabilities: [0.9, 0.6], predictedAtMs: 5, labeledAtMs: 9, labelSource: 'test', traceId: '',
    };
    expect(labeledExampleRows(e)).toEqual([
      { key: 'req-1#3', timeMs: 9, features: { x1: 0.5, color: 'red' }, label: 1 },
      { key: 'req-1#4', timeMs: 9, features: { x1: null, color: null }, label: 0 },
    ]);
  });

  it('rejects an input whose length does not match the labels, naming the request', () => {
    const e: LabeledExample = {
      requestId: 'req-2', model: 'm', version: '', arm: '', rowOffset: 0, rows: 2,
      inputs: [rawEventTensor('x1', 'FP32', [3, 1], Float32Array.of(1, 2, 3))],
      labels: [1, 0], predictedLabels: [], probabilities: [], predictedAtMs: 0, labeledAtMs: 0, labelSource: '', traceId: '',
    };
    expect(() => labeledExampleRows(e)).toThrow(/request req-2 \(model m\): input 'x1' has 3 elements for 2/);
  });
});
