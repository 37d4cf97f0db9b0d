import { describe, expect, it } from 'vitest';
import { type BatchInput, DynamicBatcher } from './dynamic-batcher.js';
import type { OutputTensor } from './model-version.js';

/** A fake model: output row i = 10 × input row i; records the batch size of every run. */
function fakeModel(opts: { failOn?: number } = {}) {
  const runs: number[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  return {
    runs,
    /** Holds runs until `open()` so a test controls when a run finishes. */
    hold() {
      gate = new Promise((r) => (release = r));
    },
    open() {
      release?.();
      gate = undefined;
    },
    batchable: true,
    async run(inputs: readonly BatchInput[]): Promise<OutputTensor[]> {
      const x = inputs[0]?.data as Float32Array;
      runs.push(x.length);
      if (gate) await gate;
      if (opts.failOn !== undefined && x.includes(opts.failOn)) throw new Error(`bad value ${opts.failOn}`);
      return [{ name: 'y', datatype: 'FP32', shape: [x.length, 1], data: x.map((v) => v * 10) }];
    },
  };
}

const req = (...values: number[]): BatchInput[] => [{ data: Float32Array.from(values), shape: [values.length, 1] }];
const ys = (out: OutputTensor[]) => Array.from(out[0]?.data as Float32Array);

describe('the dynamic batcher', () => {
  it('runs a request at once when nothing else is running', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m, { enabled: true, maxBatchRows: 64, maxQueueDelayMs: 0 });
    expect(ys(await b.submit(req(1, 2), 2))).toEqual([10, 20]);
    expect(m.runs).toEqual([2]);
  });

  it('merges the requests that arrive during a run into the next one and splits the answers', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m, { enabled: true, maxBatchRows: 64, maxQueueDelayMs: 0 });
    m.hold();
    const first = b.submit(req(1), 1);
    const rest = [b.submit(req(2), 1), b.submit(req(3, 4), 2), b.submit(req(5), 1)];
    m.open();
    expect(ys(await first)).toEqual([10]);
    expect((await Promise.all(rest)).map(ys)).toEqual([[20], [30, 40], [50]]);
    expect(m.runs).toEqual([1, 4]);
  });

  it('never merges more rows than the limit', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m, { enabled: true, maxBatchRows: 3, maxQueueDelayMs: 0 });
    m.hold();
    const all = [b.submit(req(1), 1), b.submit(req(2), 1), b.submit(req(3), 1), b.submit(req(4), 1), b.submit(req(5), 1)];
    m.open();
    await Promise.all(all);
    expect(Math.max(...m.runs)).toBeLessThanOrEqual(3);
    expect(m.runs.reduce((a, c) => a + c, 0)).toBe(5);
  });

  it('fails only the request that broke a merged run', async () => {
    const m = fakeModel({ failOn: 666 });
    const b = new DynamicBatcher(m, { enabled: true, maxBatchRows: 64, maxQueueDelayMs: 0 });
    m.hold();
    const first = b.submit(req(1), 1);
    const good = b.submit(req(2), 1);
    const bad = b.submit(req(666), 1);
    m.open();
    await first;
    expect(ys(await good)).toEqual([20]);
    await expect(bad).rejects.toThrow(/bad value 666/);
  });

  it('waits up to the queue delay to fill a batch when one is set', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m, { enabled: true, maxBatchRows: 64, maxQueueDelayMs: 20 });
    const all = [b.submit(req(1), 1), b.submit(req(2), 1), b.submit(req(3), 1)];
    await Promise.all(all);
    expect(m.runs).toEqual([3]);
  });

  it('runs every request alone when batching is off', async () => {
    const m = fakeModel();
    const b = new DynamicBatcher(m, { enabled: false, maxBatchRows: 64, maxQueueDelayMs: 0 });
    await Promise.all([b.submit(req(1), 1), b.submit(req(2), 1)]);
    expect(m.runs).toEqual([1, 1]);
  });
});
