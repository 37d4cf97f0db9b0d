import { type Table, getColumn, takeRows } from '@ratchet/ml';
import type { TrainTask } from './messages.js';

/** A task rewritten onto the only rows and columns it reads (see {@link compactTask}). */
export interface CompactTask {
  readonly table: Table;
  readonly task: TrainTask;
}

/**
 * Rewrites `task` onto a sub-table holding just what it reads, so it can travel to another
 * process: the columns its schema names (features, label, weight, time) and the distinct rows
 * of `spec.rows` (all rows when absent) and `evaluateRows`, in ascending order, with both row
 * lists remapped onto the sub-table (repeats of a bootstrap sample stay repeats).
 * `trainFromSpec` reads a table only through `takeRows(table, spec.rows)`, and categorical
 * dictionaries are kept whole, so `runTrainTask` on the result gives exactly the outcome it
 * gives on the full table.
 */
export function compactTask(table: Table, task: TrainTask): CompactTask {
  const { spec } = task;
  const names = [...spec.schema.features.map((f) => f.name), spec.schema.label];
  if (spec.schema.weight !== undefined) names.push(spec.schema.weight);
  if (spec.schema.time !== undefined) names.push(spec.schema.time);
  const columns = [...new Set(names)].map((name) => getColumn(table, name));
  const used = new Uint8Array(table.nRows);
  const mark = (rows: ArrayLike<number>, what: string) => {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as number;
      if (!(Number.isInteger(r) && r >= 0 && r < table.nRows)) throw new RangeError(`compactTask: ${what} index ${r} at position ${i} is outside [0, ${table.nRows})`);
      used[r] = 1;
    }
  };
  if (spec.rows === undefined) used.fill(1);
  else mark(spec.rows, 'training row');
  if (task.evaluateRows !== undefined) mark(task.evaluateRows, 'evaluate row');
  const position = new Int32Array(table.nRows).fill(-1);
  let n = 0;
  for (let r = 0; r < table.nRows; r++) if (used[r] === 1) position[r] = n++;
  const keep = new Int32Array(n);
  for (let r = 0; r < table.nRows; r++) if (used[r] === 1) keep[position[r] as number] = r;
  const remap = (rows: ArrayLike<number>) => Int32Array.from(rows, (r) => position[r] as number);
  const sub = takeRows({ nRows: table.nRows, columns }, keep);
  return {
    table: sub,
    task: {
      spec: { ...spec, ...(spec.rows !== undefined ? { rows: remap(spec.rows) } : {}) },
      ...(task.evaluateRows !== undefined ? { evaluateRows: remap(task.evaluateRows) } : {}),
    },
  };
}
