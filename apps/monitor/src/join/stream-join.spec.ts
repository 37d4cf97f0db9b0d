import { describe, expect, it } from 'vitest';
import type { ServedPrediction } from './served-prediction.js';
import { type JoinedRun, OffsetTracker, type PairedRun, StreamJoin, type StreamJoinOptions } from './stream-join.js';

function prediction(requestId: string, o: { version?: string; rows?: number; arm?: string; predicted?: number[] } = {}): ServedPrediction {
  const rows = o.rows ?? 2;
  return {
    requestId,
    model: 'm',
    version: o.version ?? '1.0.0',
    arm: o.arm ?? '',
    routed: o.arm !== undefined,
    rows,
    predicted: Float64Array.from(o.predicted ?? Array.from({ length: rows }, () => 1)),
    probability: undefined,
    inputs: [],
    latencyMs: 1,
    timestampMs: 0,
    traceId: '',
  };
}
const labels = (rowOffset: number, values: number[]) => ({ rowOffset, labels: Float64Array.from(values), timestampMs: 0, source: 'test' });

function setup(options: StreamJoinOptions = {}) {
  let now = 0;
  const joined: JoinedRun[] = [];
  const paired: PairedRun[] = [];
  const join = new StreamJoin({ joined: (r) => joined.push(r), paired: (r) => paired.push(r) }, { now: () => now, ...options });
  return { join, joined, paired, advance: (ms: number) => (now += ms) };
}

describe('the stream join', () => {
  it('joins labels that arrive before their prediction', () => {
    const { join, joined } = setup();
    join.addLabels('r1', labels(0, [1, 0]));
    expect(joined).toHaveLength(0);
    join.addPrediction(prediction('r1'));
    expect(joined).toHaveLength(1);
    expect(Array.from(joined[0]?.labels ?? [])).toEqual([1, 0]);
    expect(join.counters.joinedRows).toBe(2);
  });

  it('joins each label run once and ignores redelivered labels and predictions, counting them', () => {
    const { join, joined } = setup();
    join.addPrediction(prediction('r1', { rows: 3 }));
    join.addLabels('r1', labels(0, [1]));
    join.addLabels('r1', labels(0, [1]));
    join.addLabels('r1', labels(0, [1, 0, 0]));
    join.addPrediction(prediction('r1', { rows: 3 }));
    expect(joined.map((r) => [r.rowOffset, r.labels.length])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(join.counters).toMatchObject({ joinedRows: 3, duplicateLabelRows: 2, duplicatePredictionRecords: 1, predictionRecords: 1 });
  });

  it('counts unlabelled predictions and orphan labels when their entries expire, and later labels as late', () => {
    const { join, advance } = setup({ ttlMs: 1000 });
    join.addPrediction(prediction('p', { rows: 4 }));
    join.addLabels('p', labels(1, [1]));
    join.addLabels('orphan', labels(0, [1, 1, 0]));
    advance(999);
    expect(join.tick().expired).toBe(0);
    advance(1);
    const report = join.tick();
    expect(report.expired).toBe(2);
    expect(report.sampleRequestIds).toEqual(['p', 'orphan']);
    join.addLabels('p', labels(2, [0]));
    expect(join.counters).toMatchObject({ expiredPredictionRows: 3, orphanLabelRows: 3, lateLabelRows: 1, joinedRows: 1 });
    expect(join.size).toBe(0);
  });

  it('evicts the oldest entry beyond max entries and counts it', () => {
    const { join } = setup({ maxEntries: 2 });
    join.addPrediction(prediction('a', { rows: 1 }));
    join.addPrediction(prediction('b', { rows: 1 }));
    join.addPrediction(prediction('c', { rows: 1 }));
    expect(join.size).toBe(2);
    expect(join.counters).toMatchObject({ evictedEntries: 1, expiredPredictionRows: 1 });
  });

  it('takes the arm from the route record and pairs the shadow member for flips', () => {
    const { join, joined, paired } = setup();
    join.addPrediction(prediction('r', { version: '1.0.0', predicted: [1, 1] }));
    join.addPrediction(prediction('r', { version: '1.0.0', arm: 'control', predicted: [1, 1] }));
    join.addLabels('r', labels(0, [1, 0]));
    join.addPrediction(prediction('r', { version: '2.0.0', predicted: [0, 0] }));
    expect(joined).toHaveLength(1);
    expect(joined[0]?.served.arm).toBe('control');
    expect(paired).toHaveLength(1);
    expect(paired[0]?.other.version).toBe('2.0.0');
  });

  it('with a route wait, holds member-only rows until the route record comes', () => {
    const { join, joined, advance } = setup({ routeWaitMs: 500 });
    join.addPrediction(prediction('r'));
    join.addLabels('r', labels(0, [1, 1]));
    join.tick();
    expect(joined).toHaveLength(0);
    join.addPrediction(prediction('r', { arm: 'b' }));
    expect(joined[0]?.served.arm).toBe('b');
    join.addPrediction(prediction('s'));
    join.addLabels('s', labels(0, [1, 1]));
    advance(500);
    join.tick();
    expect(joined[1]?.served.arm).toBe('');
  });

  it('rejects and counts label rows the request does not have', () => {
    const { join, joined } = setup();
    join.addPrediction(prediction('r', { rows: 2 }));
    join.addLabels('r', labels(1, [1, 1]));
    expect(joined).toHaveLength(0);
    expect(join.counters.invalidLabelRows).toBe(2);
  });
});

describe('the offset tracker', () => {
  it('treats a position at or below the highest handled offset of its partition as a redelivery', () => {
    const t = new OffsetTracker();
    expect(t.seen('t', 0, '5')).toBe(false);
    t.done('t', 0, '5');
    expect(t.seen('t', 0, '5')).toBe(true);
    expect(t.seen('t', 0, '4')).toBe(true);
    expect(t.seen('t', 1, '4')).toBe(false);
    expect(t.seen('t', 0, '6')).toBe(false);
    expect(t.redeliveries).toBe(2);
  });
});
