/**
 * Train/test splits: stratified (class proportions kept) and temporal (past → future).
 */
import { Rng } from '../rng.js';
import { type Table, getNumericColumn } from './table.js';

/** Row indices of a split, each sorted ascending. */
export interface Split {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Options for {@link stratifiedSplit}. */
export interface StratifiedSplitOptions {
  /** Fraction of each class sent to test, in (0, 1). */
  readonly testFraction: number;
  readonly seed: number;
}

function checkFraction(f: number): void {
  if (!(f > 0 && f < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${f}`);
}

/**
 * Stratified random split: within each distinct label value, a seeded shuffle sends
 * `round(n_c · testFraction)` rows to test and the rest to train. Deterministic for a seed.
 */
export function stratifiedSplit(labels: Float64Array, options: StratifiedSplitOptions): Split {
  checkFraction(options.testFraction);
  const rng = new Rng(options.seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    let rows = byClass.get(y);
    if (rows === undefined) {
      rows = [];
      byClass.set(y, rows);
    }
    rows.push(i);
  }
  const train: number[] = [];
  const test: number[] = [];
  // Visit classes in sorted order so the split does not depend on which class appears first.
  for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = rng.shuffle<number, number[]>(byClass.get(y) as number[]);
    const nTest = Math.round(rows.length * options.testFraction);
    for (let k = 0; k < rows.length; k++) (k < nTest ? test : train).push(rows[k] as number);
  }
  return { train: sortedInt32(train), test: sortedInt32(test) };
}

/**
 * Row order by time: a stable ascending sort on the numeric `timeColumn` (ties keep file
 * order), or file order when no column is given. Missing times throw.
 */
export function temporalOrder(table: Table, timeColumn?: string): Int32Array {
  const order = new Int32Array(table.nRows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (timeColumn === undefined) return order;
  const t = getNumericColumn(table, timeColumn).values;
  for (let i = 0; i < t.length; i++) {
    if (Number.isNaN(t[i] as number)) throw new Error(`temporalOrder: time '${timeColumn}' is missing at row ${i}`);
  }
  // Typed-array sort is not guaranteed stable; break ties on the index.
  return order.sort((a, b) => (t[a] as number) - (t[b] as number) || a - b);
}

/**
 * Temporal split: the earliest `1 - testFraction` of rows (by {@link temporalOrder}) train, the
 * latest `testFraction` test. Train/test indices are returned in time order, not sorted.
 */
export function temporalSplit(table: Table, options: { testFraction: number; time?: string }): Split {
  checkFraction(options.testFraction);
  const order = temporalOrder(table, options.time);
  const nTrain = order.length - Math.round(order.length * options.testFraction);
  return { train: order.slice(0, nTrain), test: order.slice(nTrain) };
}

function sortedInt32(values: number[]): Int32Array {
  return Int32Array.from(values).sort();
}
