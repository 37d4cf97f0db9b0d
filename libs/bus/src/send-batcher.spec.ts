import { describe, expect, it } from 'vitest';
import { SendBatcher } from './send-batcher.js';

function recordingSender() {
  const calls: number[][] = [];
  const send = async (items: number[]) => {
    calls.push([...items]);
    return items.map((i) => i * 10);
  };
  return { calls, send };
}

describe('SendBatcher', () => {
  it('sends records added within the linger time together, and resolves each add with its results', async () => {
    const { calls, send } = recordingSender();
    const batcher = new SendBatcher(send, () => 1, { lingerMs: 20 });
    const [a, b] = await Promise.all([batcher.add([1, 2]), batcher.add([3])]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(a).toEqual([10, 20]);
    expect(b).toEqual([30]);
  });

  it('splits by record count and by bytes, keeping order', async () => {
    const { calls, send } = recordingSender();
    const byCount = new SendBatcher(send, () => 1, { lingerMs: 1_000, maxRecords: 2 });
    await byCount.add([1, 2, 3, 4, 5]);
    expect(calls).toEqual([[1, 2], [3, 4], [5]]);

    calls.length = 0;
    const byBytes = new SendBatcher(send, (i) => i, { lingerMs: 1_000, maxBytes: 5 });
    await byBytes.add([4, 1, 3, 2]);
    expect(calls).toEqual([[4, 1], [3, 2]]);
  });

  it('rejects every add of a failed send and keeps going with the next batch', async () => {
    let fail = true;
    const batcher = new SendBatcher(
      async (items: number[]) => {
        if (fail) throw new Error('broker down');
        return items;
      },
      () => 1,
      { lingerMs: 0 },
    );
    await expect(batcher.add([1])).rejects.toThrow('broker down');
    fail = false;
    await expect(batcher.add([2])).resolves.toEqual([2]);
  });

  it('flush sends at once without waiting for the linger time', async () => {
    const { calls, send } = recordingSender();
    const batcher = new SendBatcher(send, () => 1, { lingerMs: 60_000 });
    const pending = batcher.add([7]);
    await batcher.flush();
    expect(calls).toEqual([[7]]);
    await expect(pending).resolves.toEqual([70]);
    expect(batcher.size).toBe(0);
  });
});
