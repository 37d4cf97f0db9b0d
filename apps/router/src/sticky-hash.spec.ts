import { describe, expect, it } from 'vitest';
import { hashUnit, rendezvousPick, weightedPick } from './sticky-hash.js';

const KEYS = 100_000;
const key = (i: number) => `user-${i}`;

function shares(arms: { name: string; weight: number }[]): number[] {
  const counts = arms.map(() => 0);
  for (let i = 0; i < KEYS; i++) {
    const a = rendezvousPick(arms, key(i));
    counts[a] = (counts[a] ?? 0) + 1;
  }
  return counts.map((c) => c / KEYS);
}

describe('sticky assignment by weighted rendezvous hashing', () => {
  it('gives each arm its weight share within ±1% over 100k keys', () => {
    const cases = [
      [{ name: '1.0.0', weight: 90 }, { name: '1.1.0', weight: 10 }],
      [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }, { name: 'c', weight: 2 }],
      [{ name: 'stable', weight: 0.99 }, { name: 'canary', weight: 0.01 }],
    ];
    for (const arms of cases) {
      const total = arms.reduce((s, a) => s + a.weight, 0);
      shares(arms).forEach((share, i) => expect(Math.abs(share - (arms[i]?.weight ?? 0) / total)).toBeLessThan(0.01));
    }
  });

  it('always gives the same key the same arm', () => {
    const arms = [{ name: '1.0.0', weight: 50 }, { name: '1.1.0', weight: 50 }];
    for (let i = 0; i < 1000; i++) expect(rendezvousPick(arms, key(i))).toBe(rendezvousPick(arms, key(i)));
  });

  it('moves only the keys the new arm wins when an arm is added', () => {
    const before = [{ name: 'a', weight: 80 }, { name: 'b', weight: 20 }];
    const after = [...before, { name: 'c', weight: 25 }];
    let moved = 0;
    let movedElsewhere = 0;
    for (let i = 0; i < KEYS; i++) {
      const x = before[rendezvousPick(before, key(i))]?.name;
      const y = after[rendezvousPick(after, key(i))]?.name;
      if (x !== y) moved++;
      if (x !== y && y !== 'c') movedElsewhere++;
    }
    expect(movedElsewhere).toBe(0);
    expect(Math.abs(moved / KEYS - 25 / 125)).toBeLessThan(0.01);
  });

  it('never picks an arm of weight zero and refuses when no weight is positive', () => {
    const arms = [{ name: 'off', weight: 0 }, { name: 'on', weight: 1 }];
    for (let i = 0; i < 1000; i++) expect(rendezvousPick(arms, key(i))).toBe(1);
    expect(() => rendezvousPick([{ name: 'off', weight: 0 }], 'k')).toThrow(/positive weight/);
  });

  it('maps keys into the open unit interval', () => {
    for (let i = 0; i < 10_000; i++) {
      const u = hashUnit(key(i), 'arm');
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
    }
  });
});

describe('the random weighted pick', () => {
  it('splits uniform draws in proportion to the weights', () => {
    const arms = [{ name: 'a', weight: 3 }, { name: 'b', weight: 0 }, { name: 'c', weight: 1 }];
    expect(weightedPick(arms, 0)).toBe(0);
    expect(weightedPick(arms, 0.74)).toBe(0);
    expect(weightedPick(arms, 0.75)).toBe(2);
    expect(weightedPick(arms, 0.999)).toBe(2);
  });
});
