import { describe, expect, it } from 'vitest';
import { labelsFromCsv } from './feedback-csv.js';

describe('labels from CSV', () => {
  it('groups consecutive rows of a request into one record and keeps single-row requests apart', () => {
    const records = labelsFromCsv('request_id,label,row\na,1,0\na,0,1\nb,1,\na,1,3\n', { model: 'demo', source: 'test', timestampMs: 5 });
    expect(records).toEqual([
      { requestId: 'a', model: 'demo', rowOffset: 0, labels: [1, 0], timestampMs: 5, source: 'test' },
      { requestId: 'b', model: 'demo', rowOffset: 0, labels: [1], timestampMs: 5, source: 'test' },
      { requestId: 'a', model: 'demo', rowOffset: 3, labels: [1], timestampMs: 5, source: 'test' },
    ]);
  });

  it('accepts columns in any order and no row column', () => {
    expect(labelsFromCsv('label,request_id\n0,x\n').map((r) => [r.requestId, r.labels])).toEqual([['x', [0]]]);
  });

  it('names the line of a bad value', () => {
    expect(() => labelsFromCsv('request_id,label\nx,yes\n')).toThrow(/line 2: label 'yes'/);
    expect(() => labelsFromCsv('request_id,label\n,1\n')).toThrow(/line 2: empty request_id/);
    expect(() => labelsFromCsv('id,label\n')).toThrow(/request_id and label/);
  });
});
