/**
 * The Agrawal loan-applicant stream (R. Agrawal, T. Imielinski, A. Swami, "Database mining: a
 * performance perspective", IEEE TKDE 5(6), 1993), with concept drift as in MOA's
 * `ConceptDriftStream`: a classic benchmark of drifting classification streams.
 *
 * Attributes of a row (drawn independently, as in the paper):
 *   salary     ~ U[20 000, 150 000]
 *   commission = 0 if salary ≥ 75 000, else ~ U[10 000, 75 000]
 *   age        ~ U[20, 80]
 *   elevel     ~ U{0..4}               (education level; column values `e0`..`e4`)
 *   car        ~ U{1..20}              (make of car; `car1`..`car20`)
 *   zipcode    ~ U{0..8}               (`zip0`..`zip8`)
 *   hvalue     = (9 − zipcode) · 100 000 · U[0.5, 1.5]   (house value depends on the zip code)
 *   hyears     ~ U[1, 30]              (years house owned)
 *   loan       ~ U[0, 500 000]
 *
 * Classification functions (label `B` = the positive class, `A` otherwise); with
 * S = salary, T = salary + commission, D = disposable income:
 *   F1  A ⇔ age < 40 ∨ age ≥ 60
 *   F2  A ⇔ (age < 40 ∧ 50k ≤ S ≤ 100k) ∨ (40 ≤ age < 60 ∧ 75k ≤ S ≤ 125k) ∨ (age ≥ 60 ∧ 25k ≤ S ≤ 75k)
 *   F3  A ⇔ (age < 40 ∧ elevel ∈ {0,1}) ∨ (40 ≤ age < 60 ∧ elevel ∈ {1,2,3}) ∨ (age ≥ 60 ∧ elevel ∈ {2,3,4})
 *   F4  A ⇔ age < 40:  elevel ∈ {0,1} ? 25k ≤ S ≤ 75k : 50k ≤ S ≤ 100k
 *           40..60:    elevel ∈ {1,2,3} ? 50k ≤ S ≤ 100k : 75k ≤ S ≤ 125k
 *           age ≥ 60:  elevel ∈ {2,3,4} ? 50k ≤ S ≤ 100k : 25k ≤ S ≤ 75k
 *   F5  A ⇔ age < 40:  50k ≤ S ≤ 100k ? 100k ≤ loan ≤ 300k : 200k ≤ loan ≤ 400k
 *           40..60:    75k ≤ S ≤ 125k ? 200k ≤ loan ≤ 400k : 300k ≤ loan ≤ 500k
 *           age ≥ 60:  25k ≤ S ≤ 75k ? 300k ≤ loan ≤ 500k : 100k ≤ loan ≤ 300k
 *   F6  A ⇔ F2 with T in place of S
 *   F7  A ⇔ D > 0, D = 2T/3 − loan/5 − 20 000
 *   F8  A ⇔ D > 0, D = 2T/3 − 5 000·elevel − 20 000
 *   F9  A ⇔ D > 0, D = 2T/3 − 5 000·elevel − loan/5 − 10 000
 *   F10 A ⇔ D > 0, D = 2T/3 − 5 000·elevel + equity/5 − 10 000,
 *           equity = hvalue · (hyears − 20)/10 if hyears ≥ 20, else 0
 * (the paper writes 0.67 for 2/3; MOA uses 2/3, as here).
 *
 * Perturbation (the paper's 5 % default): AFTER the label is computed, each numeric attribute
 * v with range [lo, hi] becomes clamp(v + (hi − lo)·p·(u − 0.5), lo, hi), u ~ U[0, 1), so
 * labels are noisy functions of what is observed. Optional label noise flips a share of labels.
 *
 * Drift: rows before the change follow `concept`, rows after follow `driftTo`. Abrupt drift
 * switches at row `driftAt`; gradual drift draws row t from the new concept with probability
 * 1 / (1 + exp(−4 (t − driftAt) / width)) (MOA's sigmoid; 50 % at `driftAt`, ~ 2 %→98 % across
 * `width` rows). `featureShift` (not in the paper; default 0) additionally ages the population
 * of rows drawn from the new concept — age ~ U[20 + 40·s, 80] — so the change is also visible
 * in the inputs (covariate shift), not only in the labels.
 */
import { Rng } from '../rng.js';
import type { Schema } from './schema.js';
import { type Table, categoricalColumn, createTable, numericColumn } from './table.js';

/** One row's attributes, as the classification functions read them (categoricals as their codes). */
export interface AgrawalRow {
  readonly salary: number;
  readonly commission: number;
  readonly age: number;
  readonly elevel: number;
  readonly car: number;
  readonly zipcode: number;
  readonly hvalue: number;
  readonly hyears: number;
  readonly loan: number;
}

/** A classification function number, 1..10. */
export type AgrawalFunction = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** Options for {@link makeAgrawalStream}. */
export interface AgrawalOptions {
  readonly nRows: number;
  readonly seed: number;
  /** Function before the drift. Default 1. */
  readonly concept?: AgrawalFunction;
  /** Function after the drift. Default: no drift. */
  readonly driftTo?: AgrawalFunction;
  /** Row where the drift happens (abrupt) or is centred (gradual). Required with `driftTo`. */
  readonly driftAt?: number;
  /** Default `abrupt`. */
  readonly drift?: 'abrupt' | 'gradual';
  /** Width of a gradual drift in rows. Default 1000. */
  readonly driftWidth?: number;
  /** Numeric perturbation fraction p. Default 0.05. */
  readonly perturbation?: number;
  /** Share of labels flipped at random. Default 0. */
  readonly labelNoise?: number;
  /** Covariate shift of rows from the new concept (0 = none, 1 = age ~ U[60, 80]). Default 0. */
  readonly featureShift?: number;
  /** Index of the first row (its time `t`), so a stream can be produced in chunks. Default 0. */
  readonly firstRow?: number;
}

/** The generated rows. */
export interface AgrawalStream {
  readonly table: Table;
  readonly schema: Schema;
  /** 1 where a row was drawn from the new concept (`driftTo`), else 0. */
  readonly fromNewConcept: Uint8Array;
}

const K = 1000;
const between = (v: number, lo: number, hi: number) => v >= lo && v <= hi;

/** Group A under F2 (and F6 with total income in place of salary): an age-dependent income band. */
function incomeBand(age: number, income: number): boolean {
  if (age < 40) return between(income, 50 * K, 100 * K);
  if (age < 60) return between(income, 75 * K, 125 * K);
  return between(income, 25 * K, 75 * K);
}

/**
 * The Agrawal et al. (1993) classification function `f` on a row: true for group B (the
 * positive class), false for group A. The rules are in this file's header comment.
 */
export function agrawalLabel(f: AgrawalFunction, r: AgrawalRow): boolean {
  const { age, salary: s, elevel: e, loan } = r;
  const total = r.salary + r.commission;
  let groupA: boolean;
  switch (f) {
    case 1:
      groupA = age < 40 || age >= 60;
      break;
    case 2:
      groupA = incomeBand(age, s);
      break;
    case 3:
      groupA = age < 40 ? e <= 1 : age < 60 ? e >= 1 && e <= 3 : e >= 2;
      break;
    case 4:
      groupA =
        age < 40
          ? e <= 1 ? between(s, 25 * K, 75 * K) : between(s, 50 * K, 100 * K)
          : age < 60
            ? e >= 1 && e <= 3 ? between(s, 50 * K, 100 * K) : between(s, 75 * K, 125 * K)
            : e >= 2 ? between(s, 50 * K, 100 * K) : between(s, 25 * K, 75 * K);
      break;
    case 5:
      groupA =
        age < 40
          ? between(s, 50 * K, 100 * K) ? between(loan, 100 * K, 300 * K) : between(loan, 200 * K, 400 * K)
          : age < 60
            ? between(s, 75 * K, 125 * K) ? between(loan, 200 * K, 400 * K) : between(loan, 300 * K, 500 * K)
            : between(s, 25 * K, 75 * K) ? between(loan, 300 * K, 500 * K) : between(loan, 100 * K, 300 * K);
      break;
    case 6:
      groupA = incomeBand(age, total);
      break;
    case 7:
      groupA = (2 * total) / 3 - loan / 5 - 20 * K > 0;
      break;
    case 8:
      groupA = (2 * total) / 3 - 5 * K * e - 20 * K > 0;
      break;
    case 9:
      groupA = (2 * total) / 3 - 5 * K * e - loan / 5 - 10 * K > 0;
      break;
    case 10: {
      const equity = r.hyears >= 20 ? (r.hvalue * (r.hyears - 20)) / 10 : 0;
      groupA = (2 * total) / 3 - 5 * K * e + equity / 5 - 10 * K > 0;
      break;
    }
    default:
      throw new RangeError(`Agrawal function must be 1..10, got ${String(f)}`);
  }
  return !groupA;
}

/** Probability that row t comes from the new concept (MOA's sigmoid mixture, or a step). */
export function newConceptProbability(t: number, driftAt: number, drift: 'abrupt' | 'gradual', width: number): number {
  if (drift === 'abrupt') return t >= driftAt ? 1 : 0;
  return 1 / (1 + Math.exp((-4 * (t - driftAt)) / width));
}

const ELEVELS = ['e0', 'e1', 'e2', 'e3', 'e4'];
const CARS = Array.from({ length: 20 }, (_, i) => `car${i + 1}`);
const ZIPCODES = Array.from({ length: 9 }, (_, i) => `zip${i}`);

/** Feature columns of the Agrawal stream, numeric and categorical, in generation order. */
export const AGRAWAL_FEATURES: Schema['features'] = [
  { name: 'salary', type: 'numeric' },
  { name: 'commission', type: 'numeric' },
  { name: 'age', type: 'numeric' },
  { name: 'elevel', type: 'categorical' },
  { name: 'car', type: 'categorical' },
  { name: 'zipcode', type: 'categorical' },
  { name: 'hvalue', type: 'numeric' },
  { name: 'hyears', type: 'numeric' },
  { name: 'loan', type: 'numeric' },
];

function perturb(rng: Rng, v: number, lo: number, hi: number, p: number): number {
  if (p === 0) return v;
  return Math.min(hi, Math.max(lo, v + (hi - lo) * p * (rng.next() - 0.5)));
}

/**
 * Rows of the Agrawal stream (header comment: attributes, functions F1–F10, perturbation and
 * drift), as a table with label column `class` (`A`/`B`, positive class `B`) and time column `t`.
 * Deterministic for a seed.
 */
export function makeAgrawalStream(options: AgrawalOptions): AgrawalStream {
  const { nRows, seed, concept = 1, driftTo, drift = 'abrupt', driftWidth = 1000, perturbation = 0.05, labelNoise = 0, featureShift = 0, firstRow = 0 } = options;
  if (!Number.isInteger(nRows) || nRows < 1) throw new RangeError(`Agrawal: nRows must be a positive integer, got ${nRows}`);
  if (driftTo !== undefined && options.driftAt === undefined) throw new RangeError('Agrawal: driftTo needs driftAt');
  if (!(driftWidth > 0)) throw new RangeError(`Agrawal: driftWidth must be > 0, got ${driftWidth}`);
  if (!(featureShift >= 0 && featureShift <= 1)) throw new RangeError(`Agrawal: featureShift must be in [0, 1], got ${featureShift}`);
  const driftAt = options.driftAt ?? Number.POSITIVE_INFINITY;
  const rng = new Rng(seed);
  const cols = {
    salary: new Float64Array(nRows),
    commission: new Float64Array(nRows),
    age: new Float64Array(nRows),
    hvalue: new Float64Array(nRows),
    hyears: new Float64Array(nRows),
    loan: new Float64Array(nRows),
  };
  const elevel = new Array<string>(nRows);
  const car = new Array<string>(nRows);
  const zipcode = new Array<string>(nRows);
  const label = new Array<string>(nRows);
  const t = new Float64Array(nRows);
  const fromNewConcept = new Uint8Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const time = firstRow + i;
    const isNew = driftTo !== undefined && rng.next() < newConceptProbability(time, driftAt, drift, driftWidth);
    const salary = rng.uniform(20 * K, 150 * K);
    const commission = salary >= 75 * K ? 0 : rng.uniform(10 * K, 75 * K);
    const age = rng.uniform(isNew ? 20 + 40 * featureShift : 20, 80);
    const e = rng.int(5);
    const c = rng.int(20) + 1;
    const zip = rng.int(9);
    const hvalue = (9 - zip) * 100 * K * rng.uniform(0.5, 1.5);
    const hyears = rng.uniform(1, 30);
    const loan = rng.uniform(0, 500 * K);
    const row: AgrawalRow = { salary, commission, age, elevel: e, car: c, zipcode: zip, hvalue, hyears, loan };
    let positive = agrawalLabel(isNew ? (driftTo as AgrawalFunction) : concept, row);
    if (labelNoise > 0 && rng.next() < labelNoise) positive = !positive;
    cols.salary[i] = perturb(rng, salary, 20 * K, 150 * K, perturbation);
    cols.commission[i] = commission === 0 ? 0 : perturb(rng, commission, 10 * K, 75 * K, perturbation);
    cols.age[i] = perturb(rng, age, 20, 80, perturbation);
    cols.hvalue[i] = perturb(rng, hvalue, 50 * K, 1350 * K, perturbation);
    cols.hyears[i] = perturb(rng, hyears, 1, 30, perturbation);
    cols.loan[i] = perturb(rng, loan, 0, 500 * K, perturbation);
    elevel[i] = ELEVELS[e] as string;
    car[i] = CARS[c - 1] as string;
    zipcode[i] = ZIPCODES[zip] as string;
    label[i] = positive ? 'B' : 'A';
    t[i] = time;
    fromNewConcept[i] = isNew ? 1 : 0;
  }
  const table = createTable([
    numericColumn('salary', cols.salary),
    numericColumn('commission', cols.commission),
    numericColumn('age', cols.age),
    categoricalColumn('elevel', elevel, ELEVELS),
    categoricalColumn('car', car, CARS),
    categoricalColumn('zipcode', zipcode, ZIPCODES),
    numericColumn('hvalue', cols.hvalue),
    numericColumn('hyears', cols.hyears),
    numericColumn('loan', cols.loan),
    numericColumn('t', t),
    categoricalColumn('class', label, ['A', 'B']),
  ]);
  return { table, schema: { features: AGRAWAL_FEATURES, label: 'class', positiveClass: 'B', time: 't' }, fromNewConcept };
}
