import { describe, expect, it } from 'vitest';
import { LabelDelayQueue } from './label-delay-queue.js';

/** Streams rows 0..n-1, adding row i as item i, and records at which row each item came out. */
function run(queue: LabelDelayQueue<number>, n: number): { releasedAt: Map<number, number>; order: number[] } {
  const releasedAt = new Map<number, number>();
  const order: number[] = [];
  for (let row = 0; row < n; row++) {
    queue.add(row, row);
    for (const item of queue.release(row)) {
      releasedAt.set(item, row);
      order.push(item);
    }
  }
  for (const item of queue.drain()) {
    releasedAt.set(item, n);
    order.push(item);
  }
  return { releasedAt, order };
}

describe('the label delay queue', () => {
  it('releases every item exactly once, never before its delay while the stream runs', () => {
    const { releasedAt, order } = run(new LabelDelayQueue({ delayRows: 50, jitterRows: 30, seed: 1 }), 1000);
    expect(order.length).toBe(1000);
    expect(new Set(order).size).toBe(1000);
    for (const [item, at] of releasedAt) if (at < 1000) expect(at - item).toBeGreaterThanOrEqual(50);
    for (const [item, at] of releasedAt) if (item < 1000 - 81) expect(at - item).toBeLessThanOrEqual(80);
  });

  it('delivers labels out of order', () => {
    const { order } = run(new LabelDelayQueue({ delayRows: 20, seed: 2 }), 500);
    let inversions = 0;
    for (let i = 1; i < order.length; i++) if ((order[i] as number) < (order[i - 1] as number)) inversions++;
    expect(inversions).toBeGreaterThan(50);
  });

  it('is the same for the same seed', () => {
    const a = run(new LabelDelayQueue({ delayRows: 10, seed: 3 }), 300).order;
    const b = run(new LabelDelayQueue({ delayRows: 10, seed: 3 }), 300).order;
    const c = run(new LabelDelayQueue({ delayRows: 10, seed: 4 }), 300).order;
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('with no delay and no jitter hands each item over at its own row', () => {
    const { releasedAt } = run(new LabelDelayQueue({ delayRows: 0, seed: 5 }), 100);
    for (const [item, at] of releasedAt) expect(at).toBe(item);
  });

  it('releases what is due when rows jump forward, and counts what it holds', () => {
    const q = new LabelDelayQueue<string>({ delayRows: 5, jitterRows: 0, seed: 6 });
    q.add('a', 0);
    q.add('b', 100);
    expect(q.size).toBe(2);
    expect(q.release(50)).toEqual(['a']);
    expect(q.size).toBe(1);
    expect(q.release(10_000)).toEqual(['b']);
    expect(q.size).toBe(0);
  });

  it('rejects a negative or fractional delay', () => {
    expect(() => new LabelDelayQueue({ delayRows: -1, seed: 1 })).toThrow(/non-negative/);
    expect(() => new LabelDelayQueue({ delayRows: 1.5, seed: 1 })).toThrow(/non-negative/);
  });
});
