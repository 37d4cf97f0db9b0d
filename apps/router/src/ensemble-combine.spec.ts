import { describe, expect, it } from 'vitest';
import { bagging, boosting, labelsOf, stackingColumns, vote } from './ensemble-combine.js';

const bin = (...p1: number[]) => Float32Array.from(p1.flatMap((p) => [1 - p, p]));
const two = (rows: number) => ({ rows, classes: 2 });

describe('request-time ensemble combiners', () => {
  it('bagging averages the members’ probabilities', () => {
    const out = bagging([bin(0.2, 0.9), bin(0.4, 0.5), bin(0.9, 0.1)], two(2));
    expect(out[1]).toBeCloseTo(0.5, 6);
    expect(out[3]).toBeCloseTo(0.5, 6);
    expect((out[0] ?? 0) + (out[1] ?? 0)).toBeCloseTo(1, 6);
  });

  it('vote takes the majority label and reports vote shares', () => {
    const { probabilities, labels } = vote([bin(0.9, 0.2), bin(0.8, 0.3), bin(0.1, 0.6)], two(2));
    expect(Array.from(labels)).toEqual([1n, 0n]);
    expect(probabilities[1]).toBeCloseTo(2 / 3, 6);
    expect(probabilities[3]).toBeCloseTo(1 / 3, 6);
  });

  it('vote breaks a tie by the higher mean probability', () => {
    // One vote each; mean P(1) = (0.9 + 0.3) / 2 = 0.6 > 0.5, so class 1 wins.
    expect(Array.from(vote([bin(0.9), bin(0.3)], two(1)).labels)).toEqual([1n]);
    // Mean P(1) = (0.6 + 0.1) / 2 = 0.35, so class 0 wins.
    expect(Array.from(vote([bin(0.6), bin(0.1)], two(1)).labels)).toEqual([0n]);
  });

  it('boosting is the sigmoid of the weighted sum of log-odds for two classes', () => {
    const p = [0.7, 0.4, 0.9];
    const w = [1, 0.5, 0.25];
    const logit = (x: number) => Math.log(x / (1 - x));
    const z = p.reduce((s, x, i) => s + (w[i] ?? 0) * logit(x), 0);
    const out = boosting(p.map((x) => bin(x)), w, two(1));
    expect(out[1]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
    expect((out[0] ?? 0) + (out[1] ?? 0)).toBeCloseTo(1, 6);
  });

  it('boosting stays finite for members that are certain', () => {
    const out = boosting([bin(1), bin(0)], [1, 1], two(1));
    expect(Number.isFinite(out[1])).toBe(true);
    expect(out[1]).toBeCloseTo(0.5, 6);
  });

  it('boosting with three classes is the softmax of weighted log-probabilities', () => {
    const a = Float32Array.from([0.2, 0.3, 0.5]);
    const b = Float32Array.from([0.6, 0.3, 0.1]);
    const out = boosting([a, b], [1, 1], { rows: 1, classes: 3 });
    const raw = [0.2 * 0.6, 0.3 * 0.3, 0.5 * 0.1];
    const s = raw.reduce((x, y) => x + y, 0);
    raw.forEach((v, k) => expect(out[k]).toBeCloseTo(v / s, 6));
  });

  it('labels are the row-wise argmax', () => {
    expect(Array.from(labelsOf(bin(0.2, 0.8), two(2)))).toEqual([0n, 1n]);
  });

  it('names stacking inputs member_<i> for two classes and member_<i>_<k> otherwise', () => {
    const cols = stackingColumns([bin(0.2, 0.8), bin(0.6, 0.4)], two(2));
    expect(cols.map((c) => c.name)).toEqual(['member_0', 'member_1']);
    expect(Array.from(cols[0]?.values ?? [])).toEqual([Math.fround(0.2), Math.fround(0.8)]);
    const three = stackingColumns([Float32Array.from([0.2, 0.3, 0.5])], { rows: 1, classes: 3 });
    expect(three.map((c) => c.name)).toEqual(['member_0_0', 'member_0_1', 'member_0_2']);
  });

  it('refuses members whose shapes disagree', () => {
    expect(() => bagging([bin(0.2), bin(0.2, 0.3)], two(1))).toThrow(/elements/);
    expect(() => boosting([bin(0.2)], [1, 2], two(1))).toThrow(/stage weights/);
  });
});
