import { describe, expect, it } from 'vitest';
import { type AgrawalFunction, type AgrawalRow, agrawalLabel, makeAgrawalStream, newConceptProbability } from './agrawal.js';
import { categoryAt, getCategoricalColumn, getNumericColumn } from './table.js';

const base: AgrawalRow = { salary: 60_000, commission: 20_000, age: 30, elevel: 0, car: 3, zipcode: 4, hvalue: 500_000, hyears: 10, loan: 150_000 };
const row = (over: Partial<AgrawalRow>): AgrawalRow => ({ ...base, ...over });

describe('the Agrawal classification functions', () => {
  // Each case is worked out by hand from the rule in the header of agrawal.ts; true = group B.
  const cases: [AgrawalFunction, Partial<AgrawalRow>, boolean, string][] = [
    [1, { age: 30 }, false, 'age < 40 is group A'],
    [1, { age: 45 }, true, '40 ≤ age < 60 is group B'],
    [1, { age: 60 }, false, 'age 60 is group A'],
    [2, { age: 30, salary: 60_000 }, false, 'young with salary in 50k..100k'],
    [2, { age: 30, salary: 120_000 }, true, 'young with salary above the band'],
    [2, { age: 50, salary: 80_000 }, false, 'middle-aged with salary in 75k..125k'],
    [2, { age: 70, salary: 80_000 }, true, 'old with salary above 75k'],
    [3, { age: 30, elevel: 1 }, false, 'young with elevel 1'],
    [3, { age: 30, elevel: 2 }, true, 'young with elevel 2'],
    [3, { age: 50, elevel: 0 }, true, 'middle-aged with elevel 0'],
    [3, { age: 65, elevel: 4 }, false, 'old with elevel 4'],
    [4, { age: 30, elevel: 0, salary: 30_000 }, false, 'young, low elevel, salary in 25k..75k'],
    [4, { age: 30, elevel: 3, salary: 30_000 }, true, 'young, high elevel, salary below 50k'],
    [4, { age: 50, elevel: 4, salary: 100_000 }, false, 'middle-aged, elevel 4, salary in 75k..125k'],
    [4, { age: 70, elevel: 1, salary: 90_000 }, true, 'old, elevel 1, salary above 75k'],
    [5, { age: 30, salary: 60_000, loan: 150_000 }, false, 'young, salary in band, loan in 100k..300k'],
    [5, { age: 30, salary: 120_000, loan: 150_000 }, true, 'young, salary out of band, loan below 200k'],
    [5, { age: 50, salary: 60_000, loan: 450_000 }, false, 'middle-aged, salary out of band, loan in 300k..500k'],
    [5, { age: 70, salary: 60_000, loan: 450_000 }, false, 'old, salary in band, loan in 300k..500k'],
    [6, { age: 30, salary: 40_000, commission: 20_000 }, false, 'young, salary + commission 60k in 50k..100k'],
    [6, { age: 30, salary: 40_000, commission: 70_000 }, true, 'young, total 110k above the band'],
    // F7: D = 2·80k/3 − 150k/5 − 20k = 53 333 − 30 000 − 20 000 = 3 333 > 0 → A
    [7, {}, false, 'disposable 3 333 > 0'],
    // D = 53 333 − 40 000 − 20 000 < 0 → B
    [7, { loan: 200_000 }, true, 'disposable −6 667 < 0'],
    // F8: D = 53 333 − 5 000·4 − 20 000 = 13 333 > 0 → A; with total 30k: 20 000 − 20 000 − 20 000 < 0 → B
    [8, { elevel: 4 }, false, 'disposable 13 333 > 0'],
    [8, { salary: 30_000, commission: 0, elevel: 4 }, true, 'disposable −20 000 < 0'],
    // F9: D = 53 333 − 10 000 − 30 000 − 10 000 = 3 333 > 0 → A
    [9, { elevel: 2 }, false, 'disposable 3 333 > 0'],
    [9, { elevel: 4 }, true, 'disposable −6 667 < 0'],
    // F10: equity = 500k·(25 − 20)/10 = 250k; D = 53 333 − 20 000 + 50 000 − 10 000 = 73 333 > 0 → A
    [10, { elevel: 4, hyears: 25 }, false, 'disposable with equity 73 333 > 0'],
    // hyears < 20: equity 0; D = 2·30k/3 − 20 000 − 10 000 = −10 000 → B
    [10, { salary: 30_000, commission: 0, elevel: 4, hyears: 10 }, true, 'no equity, disposable −10 000 < 0'],
  ];
  for (const [f, over, groupB, why] of cases) {
    it(`F${f} puts ${why} in group ${groupB ? 'B' : 'A'}`, () => {
      expect(agrawalLabel(f, row(over))).toBe(groupB);
    });
  }
});

describe('the Agrawal stream', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = makeAgrawalStream({ nRows: 200, seed: 3, concept: 2, driftTo: 5, driftAt: 100 });
    const b = makeAgrawalStream({ nRows: 200, seed: 3, concept: 2, driftTo: 5, driftAt: 100 });
    const c = makeAgrawalStream({ nRows: 200, seed: 4, concept: 2, driftTo: 5, driftAt: 100 });
    expect(b.table).toEqual(a.table);
    expect(getNumericColumn(c.table, 'salary').values).not.toEqual(getNumericColumn(a.table, 'salary').values);
  });

  it('labels unperturbed rows with the chosen function, read back from the table', () => {
    for (const f of [1, 4, 7, 10] as const) {
      const { table } = makeAgrawalStream({ nRows: 500, seed: f, concept: f, perturbation: 0 });
      const num = (name: string) => getNumericColumn(table, name).values;
      const code = (name: string) => getCategoricalColumn(table, name);
      const label = getCategoricalColumn(table, 'class');
      for (let i = 0; i < table.nRows; i++) {
        const r: AgrawalRow = {
          salary: num('salary')[i] as number,
          commission: num('commission')[i] as number,
          age: num('age')[i] as number,
          elevel: Number((categoryAt(code('elevel'), i) ?? '').slice(1)),
          car: Number((categoryAt(code('car'), i) ?? '').slice(3)),
          zipcode: Number((categoryAt(code('zipcode'), i) ?? '').slice(3)),
          hvalue: num('hvalue')[i] as number,
          hyears: num('hyears')[i] as number,
          loan: num('loan')[i] as number,
        };
        expect(categoryAt(label, i)).toBe(agrawalLabel(f, r) ? 'B' : 'A');
      }
    }
  });

  it('has numeric and categorical features, a label with positive class B and a time column', () => {
    const { table, schema } = makeAgrawalStream({ nRows: 50, seed: 1 });
    expect(schema.features.filter((f) => f.type === 'categorical').map((f) => f.name)).toEqual(['elevel', 'car', 'zipcode']);
    expect(schema.positiveClass).toBe('B');
    expect(Array.from(getNumericColumn(table, 't').values.slice(0, 3))).toEqual([0, 1, 2]);
    const commission = getNumericColumn(table, 'commission').values;
    const salary = getNumericColumn(table, 'salary').values;
    // No commission above the 75k salary line (perturbation moves salary by at most ±3.25k).
    for (let i = 0; i < 50; i++) if ((salary[i] as number) > 80_000) expect(commission[i]).toBe(0);
  });

  it('switches concept exactly at the abrupt drift point', () => {
    const { fromNewConcept } = makeAgrawalStream({ nRows: 1000, seed: 9, concept: 1, driftTo: 5, driftAt: 600 });
    expect(fromNewConcept.subarray(0, 600).every((v) => v === 0)).toBe(true);
    expect(fromNewConcept.subarray(600).every((v) => v === 1)).toBe(true);
  });

  it('mixes the concepts over the width of a gradual drift, half-way at its centre', () => {
    const { fromNewConcept } = makeAgrawalStream({ nRows: 20_000, seed: 9, concept: 1, driftTo: 5, driftAt: 10_000, drift: 'gradual', driftWidth: 2000 });
    const share = (lo: number, hi: number) => fromNewConcept.subarray(lo, hi).reduce((s, v) => s + v, 0) / (hi - lo);
    expect(share(0, 7000)).toBeLessThan(0.01);
    expect(share(9800, 10_200)).toBeGreaterThan(0.4);
    expect(share(9800, 10_200)).toBeLessThan(0.6);
    expect(share(13_000, 20_000)).toBeGreaterThan(0.99);
    expect(newConceptProbability(10_000, 10_000, 'gradual', 2000)).toBe(0.5);
  });

  it('shifts the age of rows from the new concept when asked, leaving earlier rows alone', () => {
    const { table } = makeAgrawalStream({ nRows: 4000, seed: 2, driftTo: 2, driftAt: 2000, featureShift: 0.5 });
    const age = getNumericColumn(table, 'age').values;
    const mean = (lo: number, hi: number) => age.subarray(lo, hi).reduce((s, v) => s + v, 0) / (hi - lo);
    expect(mean(0, 2000)).toBeCloseTo(50, 0);
    expect(mean(2000, 4000)).toBeCloseTo(60, 0);
  });

  it('rejects a drift target without a drift point', () => {
    expect(() => makeAgrawalStream({ nRows: 10, seed: 1, driftTo: 2 })).toThrow(/driftAt/);
  });
});
