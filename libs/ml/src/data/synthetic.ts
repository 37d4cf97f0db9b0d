/**
 * A seeded synthetic binary-classification problem with a known logistic ground truth, for
 * tests and demos (no dependency on files on disk).
 *
 *   logit P(y = yes | x) = β0 + β1·x1 + β2·x2 + β3·(x3 − 50)/10 + γ[color] + δ[region]
 *
 * x1, x2 ~ N(0, 1); x3 ~ N(50 + shift·10, 10) (so scaling matters); `color` has four levels
 * with effects γ; `region` has three levels with effects δ (`north` is the reference, δ = 0).
 * A fraction `missingRate` of each feature cell is blanked *after* the label is drawn, so the
 * ground truth is on complete data. Column `t` is the row's time (0, 1, 2, …).
 */
import { Rng } from '../rng.js';
import type { Schema } from './schema.js';
import { type Table, categoricalColumn, createTable, numericColumn } from './table.js';

/** Options for {@link makeSyntheticBinary}. */
export interface SyntheticBinaryOptions {
  readonly nRows: number;
  readonly seed: number;
  /** Probability that a feature cell is missing. Default 0.05. */
  readonly missingRate?: number;
  /** Mean shift of x3 in units of its sd (covariate drift). Default 0. */
  readonly shift?: number;
}

/** The generating coefficients. */
export interface SyntheticTruth {
  readonly intercept: number;
  readonly numeric: Readonly<Record<'x1' | 'x2' | 'x3', number>>;
  readonly color: Readonly<Record<string, number>>;
  readonly region: Readonly<Record<string, number>>;
}

/** Ground truth used by {@link makeSyntheticBinary}. */
export const SYNTHETIC_TRUTH: SyntheticTruth = {
  intercept: -0.5,
  numeric: { x1: 1.5, x2: -1.0, x3: 0.75 },
  color: { red: 0.8, green: 0.0, blue: -0.6, black: 1.2 },
  region: { north: 0.0, south: 0.5, west: -0.4 },
};

const COLORS = ['red', 'green', 'blue', 'black'] as const;
const COLOR_WEIGHTS = [0.4, 0.3, 0.2, 0.1] as const;
const REGIONS = ['north', 'south', 'west'] as const;

/** A seeded synthetic dataset: table, schema and the true logit per row. */
export function makeSyntheticBinary(options: SyntheticBinaryOptions): {
  table: Table;
  schema: Schema;
  truth: SyntheticTruth;
  trueLogit: Float64Array;
} {
  const { nRows, seed, missingRate = 0.05, shift = 0 } = options;
  if (!Number.isInteger(nRows) || nRows < 1) throw new RangeError(`nRows must be a positive integer, got ${nRows}`);
  const rng = new Rng(seed);
  const x1 = new Float64Array(nRows);
  const x2 = new Float64Array(nRows);
  const x3 = new Float64Array(nRows);
  const color: (string | null)[] = new Array<string | null>(nRows);
  const region: (string | null)[] = new Array<string | null>(nRows);
  const y: string[] = new Array<string>(nRows);
  const t = new Float64Array(nRows);
  const trueLogit = new Float64Array(nRows);
  const truth = SYNTHETIC_TRUTH;
  for (let i = 0; i < nRows; i++) {
    x1[i] = rng.normal();
    x2[i] = rng.normal();
    x3[i] = rng.normal(50 + shift * 10, 10);
    const u = rng.next();
    let c = 0;
    for (let acc = COLOR_WEIGHTS[0]; u >= acc && c < COLORS.length - 1; acc += COLOR_WEIGHTS[c] as number) c++;
    const col = COLORS[c] as string;
    const reg = rng.choice(REGIONS);
    const eta =
      truth.intercept +
      truth.numeric.x1 * (x1[i] as number) +
      truth.numeric.x2 * (x2[i] as number) +
      (truth.numeric.x3 * ((x3[i] as number) - 50)) / 10 +
      (truth.color[col] as number) +
      (truth.region[reg] as number);
    trueLogit[i] = eta;
    y[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 'yes' : 'no';
    color[i] = col;
    region[i] = reg;
    t[i] = i;
  }
  for (let i = 0; i < nRows; i++) {
    if (rng.next() < missingRate) x1[i] = Number.NaN;
    if (rng.next() < missingRate) x2[i] = Number.NaN;
    if (rng.next() < missingRate) x3[i] = Number.NaN;
    if (rng.next() < missingRate) color[i] = null;
    if (rng.next() < missingRate) region[i] = null;
  }
  const table = createTable([
    numericColumn('x1', x1),
    numericColumn('x2', x2),
    numericColumn('x3', x3),
    categoricalColumn('color', color, [...COLORS]),
    categoricalColumn('region', region, [...REGIONS]),
    numericColumn('t', t),
    categoricalColumn('y', y, ['no', 'yes']),
  ]);
  const schema: Schema = {
    features: [
      { name: 'x1', type: 'numeric' },
      { name: 'x2', type: 'numeric' },
      { name: 'x3', type: 'numeric' },
      { name: 'color', type: 'categorical' },
      { name: 'region', type: 'categorical' },
    ],
    label: 'y',
    positiveClass: 'yes',
    time: 't',
  };
  return { table, schema, truth, trueLogit };
}
