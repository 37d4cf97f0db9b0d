import { describe, expect, it } from 'vitest';
import { BusError } from './errors.js';
import { retryRetriable } from './retry.js';

const fast = { backoff: { initialMs: 1, maxMs: 2, multiplier: 2 } };

describe('retrying retriable errors', () => {
  it('retries a retriable failure until the call succeeds', async () => {
    let calls = 0;
    const result = await retryRetriable(async () => {
      calls++;
      if (calls < 3) throw new BusError('broker', 'not the leader for that topic-partition', { retriable: true });
      return 'ok';
    }, fast);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('rethrows a non-retriable failure at once', async () => {
    let calls = 0;
    await expect(
      retryRetriable(async () => {
        calls++;
        throw new BusError('broker', 'authorization failed', { retriable: false });
      }, fast),
    ).rejects.toThrow(/authorization failed/);
    expect(calls).toBe(1);
  });

  it('gives up with the last error when the time is up', async () => {
    let calls = 0;
    await expect(
      retryRetriable(async () => {
        calls++;
        throw new BusError('broker', `still electing (${calls})`, { retriable: true });
      }, { ...fast, timeoutMs: 30 }),
    ).rejects.toThrow(/still electing/);
    expect(calls).toBeGreaterThan(1);
  });

  it('judges the translated error', async () => {
    await expect(
      retryRetriable(async () => Promise.reject(new Error('raw')), {
        ...fast,
        translate: () => new BusError('broker', 'translated', { retriable: false }),
      }),
    ).rejects.toThrow(/translated/);
  });
});
