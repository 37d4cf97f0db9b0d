import { describe, expect, it } from 'vitest';
import { agrawalSource, csvSource, requestColumns } from './stream-source.js';

const csv = ['t,x,color,y', '3,0.3,red,yes', '1,0.1,,no', '2,,blue,yes', ...Array.from({ length: 200 }, (_, i) => `${10 + i},${i / 100},green,${i % 2 ? 'yes' : 'no'}`)].join('\n');

describe('the sources ratchet up streams', () => {
  it('replays a CSV in the order of its time column, bootstrapping on the leading rows, without injected drift', () => {
    const s = csvSource('data/My Loans.csv', csv, { label: 'y', time: 't', trainRows: 3 });
    expect(s.model).toBe('my-loans');
    expect(s.drift).toBeUndefined();
    expect(s.schema.features.map((f) => f.name)).toEqual(['x', 'color']);
    expect(s.train.nRows).toBe(3);
    expect(s.stream.nRows).toBe(200);
    // Rows t = 1, 2, 3 train the model; the stream starts at t = 10 (labels no, yes, no).
    const cols = requestColumns(s.train, s.schema, 0, 3);
    expect(Array.from(cols[0]?.values as Float32Array)).toEqual([Math.fround(0.1), Number.NaN, Math.fround(0.3)]);
    expect(cols[1]?.values).toEqual(['', 'blue', 'red']);
    expect(Array.from(s.labels.subarray(0, 3))).toEqual([0, 1, 0]);
  });

  it('limits a CSV replay to --rows and refuses a file too short to stream', () => {
    expect(csvSource('d.csv', csv, { label: 'y', trainRows: 3, rows: 50 }).stream.nRows).toBe(50);
    expect(() => csvSource('d.csv', csv, { label: 'y', trainRows: 150 })).toThrow(/need more than --train-rows 150/);
  });

  it('injects the Agrawal drift at the asked row, measures a gradual one from the start of its transition, and keeps bootstrap rows out of the stream', () => {
    const s = agrawalSource({ rows: 1000, driftAt: 400, drift: 'gradual', driftWidth: 100, seed: 3, trainRows: 300 });
    expect(s.drift).toMatchObject({ at: 400, onset: 350, kind: 'gradual', width: 100 });
    expect(s.train.nRows).toBe(300);
    expect(s.stream.nRows).toBe(1000);
    expect(s.labels.length).toBe(1000);
    expect(() => agrawalSource({ rows: 1000, driftAt: 1000, drift: 'abrupt', driftWidth: 1, seed: 1, trainRows: 10 })).toThrow(/--drift-at/);
  });
});
