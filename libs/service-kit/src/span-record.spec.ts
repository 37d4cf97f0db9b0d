import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpanRecord, readSpanFile, type SpanRecord } from './span-record.js';

const record: SpanRecord = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  name: 'infer',
  kind: 'SERVER',
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000005000000',
  startTimeMs: 1_700_000_000_000,
  endTimeMs: 1_700_000_000_005,
  durationMs: 5,
  attributes: { model: 'churn' },
  status: { code: 'OK' },
  events: [],
  links: [],
  service: 'prediction',
  scope: 'prediction',
};

describe('parseSpanRecord', () => {
  it('accepts a well-formed record unchanged', () => {
    expect(parseSpanRecord(JSON.stringify(record))).toEqual(record);
  });

  it('names the field that is wrong', () => {
    expect(() => parseSpanRecord(JSON.stringify({ ...record, spanId: 'xyz' }))).toThrow(/invalid span record at spanId/);
    expect(() => parseSpanRecord('{"traceId":')).toThrow(/not valid JSON/);
  });
});

describe('readSpanFile', () => {
  it('skips blank lines and reports a torn line with its line number', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'span-record-'));
    try {
      const good = join(dir, 'good.jsonl');
      await writeFile(good, `${JSON.stringify(record)}\n\n${JSON.stringify({ ...record, name: 'b' })}\n`);
      expect((await readSpanFile(good)).map((r) => r.name)).toEqual(['infer', 'b']);

      const torn = join(dir, 'torn.jsonl');
      await writeFile(torn, `${JSON.stringify(record)}\n{"traceId":"4bf9`);
      await expect(readSpanFile(torn)).rejects.toThrow(/torn\.jsonl:2: span record is not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
