import { describe, expect, it } from 'vitest';
import { type PolicyUpdated, Topics } from '@ratchet/contracts';
import { DEFAULT_POLICY } from './policy-kind.js';
import { PolicyStore } from './policy-store.js';

const ev = (model: string, revision: number, version: string, deleted = false): PolicyUpdated => ({
  model,
  revision,
  policy: deleted ? undefined : { ...DEFAULT_POLICY, single: { version } },
  updatedAtMs: 1,
  updatedBy: 'test',
  deleted,
});

describe('the policy store', () => {
  it('applies newer revisions and ignores older or repeated ones', () => {
    const s = new PolicyStore();
    expect(s.apply(ev('m', 2, '1.1.0'))).toBe(true);
    expect(s.apply(ev('m', 1, '1.0.0'))).toBe(false);
    expect(s.apply(ev('m', 2, '9.9.9'))).toBe(false);
    expect(s.policy('m')?.single?.version).toBe('1.1.0');
    expect(s.nextRevision('m')).toBe(3);
  });

  it('keeps a deleted policy as a tombstone that continues the revisions', () => {
    const s = new PolicyStore();
    s.apply(ev('m', 1, '1.0.0'));
    s.apply(ev('m', 2, '', true));
    expect(s.policy('m')).toBeUndefined();
    expect(s.list()).toEqual([]);
    expect(s.nextRevision('m')).toBe(3);
  });

  it('converges whatever order two instances see the same events in', () => {
    const events = [ev('a', 1, '1.0.0'), ev('a', 2, '1.1.0'), ev('b', 1, '2.0.0'), ev('a', 3, '1.2.0')];
    const x = new PolicyStore();
    const y = new PolicyStore();
    for (const e of events) x.apply(e);
    for (const e of [...events].reverse()) y.apply(e);
    expect(y.list()).toEqual(x.list());
  });

  it('waits until a revision has been applied', async () => {
    const s = new PolicyStore();
    const seen = s.waitFor('m', 2, 5000);
    s.apply(ev('m', 1, '1.0.0'));
    s.apply(ev('m', 2, '1.1.0'));
    expect((await seen).revision).toBe(2);
    await expect(s.waitFor('m', 5, 10)).rejects.toThrow(/not seen/);
  });

  it('travels on the compacted policies topic keyed by model', () => {
    const e = ev('income', 4, '1.0.0');
    expect(Topics.policies.compacted).toBe(true);
    expect(Topics.policies.key(e)).toBe('income');
    expect(Topics.policies.codec.decode(Topics.policies.codec.encode(e))).toEqual(e);
  });
});
