import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../testing/seeded-random.js';
import { OTHER_BUCKET, alignCategories, summarizeCategorical } from './categorical-summary.js';
import { DriftWindow } from './drift-window.js';
import { ProfileFormatError, ReferenceProfile } from './reference-profile.js';

function build(): ReferenceProfile {
  const rng = new SeededRandom(5);
  return ReferenceProfile.build(
    {
      numeric: { x: rng.normals(2000), empty: new Float64Array(2000).fill(Number.NaN) },
      categorical: { city: Array.from({ length: 2000 }, (_, i) => (i % 10 === 0 ? null : ['a', 'b', 'c'][i % 3])) },
      labels: Array.from({ length: 2000 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      scores: Float64Array.from({ length: 2000 }, () => rng.next()),
    },
    { bins: 20 },
  );
}

describe('ReferenceProfile', () => {
  it('survives a JSON round trip unchanged, including an all-missing column', () => {
    const profile = build();
    const copy = ReferenceProfile.fromJSON(JSON.parse(JSON.stringify(profile)));
    expect(copy.numeric['x']).toEqual(profile.numeric['x']);
    expect(copy.categorical).toEqual(profile.categorical);
    expect(copy.labels).toEqual(profile.labels);
    expect(copy.scores).toEqual(profile.scores);
    expect(Number.isNaN(copy.numeric['empty']?.mean)).toBe(true);
    expect(copy.numeric['empty']?.missing).toBe(2000);
  });

  it('stores the label prior, the missing rate and at most bins + 1 edges', () => {
    const profile = build();
    expect(profile.labels?.counts).toEqual({ '0': 1500, '1': 500 });
    expect(profile.categorical['city']?.missing).toBe(200);
    expect(profile.numeric['x']?.edges.length).toBeLessThanOrEqual(21);
    expect(profile.rowCount).toBe(2000);
  });

  it('rejects malformed documents with a non-retriable error', () => {
    expect(() => ReferenceProfile.fromJSON({ format: 'other' })).toThrow(ProfileFormatError);
    const bad = JSON.parse(JSON.stringify(build())) as { numeric: { x: { counts: number[] } } };
    bad.numeric.x.counts.pop();
    try {
      ReferenceProfile.fromJSON(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProfileFormatError);
      expect((e as ProfileFormatError).retriable).toBe(false);
      expect((e as Error).message).toContain('numeric.x');
    }
  });

  it('refuses columns of different lengths', () => {
    expect(() => ReferenceProfile.build({ numeric: { a: [1, 2], b: [1, 2, 3] } })).toThrow(RangeError);
  });
});

describe('DriftWindow', () => {
  it('summarises rows in the same shape as the profile, on the reference edges', () => {
    const profile = build();
    const window = new DriftWindow(profile);
    window.add({ x: 0.5, city: 'a' });
    window.add({ x: Number.NaN, city: 'z' });
    window.add({ city: null });
    window.addLabel(1);
    window.addScore(0.3);
    const summary = window.summary();
    expect(summary.numeric['x']?.edges).toEqual(profile.numeric['x']?.edges);
    expect(summary.numeric['x']?.count).toBe(1);
    expect(summary.numeric['x']?.missing).toBe(2);
    expect(summary.categorical['city']).toEqual({ count: 2, missing: 1, counts: { a: 1, z: 1 }, other: 0 });
    expect(summary.labels?.counts).toEqual({ '1': 1 });
    expect(summary.scores?.count).toBe(1);
    expect(window.size).toBe(3);
  });

  it('gives the same data from row-wise and column-wise adds', () => {
    const profile = build();
    const rows = new DriftWindow(profile);
    const cols = new DriftWindow(profile);
    const xs = [3, 1, 2];
    const cities = ['a', 'b', null];
    xs.forEach((x, i) => rows.add({ x, city: cities[i] }));
    cols.addColumns({ numeric: { x: xs }, categorical: { city: cities } });
    expect(cols.summary()).toEqual(rows.summary());
    expect(Array.from(cols.sortedValues('x'))).toEqual([1, 2, 3]);
  });

  it('starts afresh after clear()', () => {
    const window = new DriftWindow(build());
    window.add({ x: 1, city: 'a' });
    window.addLabel(0);
    window.clear();
    expect(window.size).toBe(0);
    expect(window.sortedValues('x')).toHaveLength(0);
    expect(window.labelCounts().size).toBe(0);
  });
});

describe('categorical summaries', () => {
  it('folds categories beyond maxCategories into other, most frequent kept', () => {
    const s = summarizeCategorical(['a', 'a', 'a', 'b', 'b', 'c', 'd'], 2);
    expect(s.counts).toEqual({ a: 3, b: 2 });
    expect(s.other).toBe(2);
  });

  it('puts categories unknown to the reference in the other/unseen bucket', () => {
    const s = summarizeCategorical(['a', 'b', 'b', 'x'], 2);
    const aligned = alignCategories(s, new Map([['b', 5], ['new', 4], ['x', 1]]));
    expect(aligned.labels).toEqual(['b', 'a', OTHER_BUCKET]);
    expect(Array.from(aligned.reference)).toEqual([2, 1, 1]);
    expect(Array.from(aligned.current)).toEqual([5, 0, 5]);
    expect(aligned.unseen).toBe(5);
  });
});
