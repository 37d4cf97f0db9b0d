/** An optimal assignment of rows to distinct columns. */
export interface Assignment {
  /** Column assigned to each row. */
  readonly rowToColumn: Int32Array;
  /** Total cost Σ_i cost[i, rowToColumn[i]]. */
  readonly cost: number;
}

/**
 * Exact rectangular linear assignment (Kuhn–Munkres / Hungarian method with
 * row and column potentials, O(rows²·cols)): assign every row to a distinct
 * column minimising total cost. `cost` is row-major rows×cols with rows ≤ cols
 * and finite entries. Each phase adds one row and grows a shortest augmenting
 * path in reduced costs c_ij − u_i − v_j ≥ 0 (Dijkstra-like, dense), keeping the
 * potentials dual-feasible, so the final matching is optimal by LP duality.
 */
export function solveAssignment(cost: Float64Array, rows: number, cols: number): Assignment {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || rows > cols) {
    throw new RangeError(`solveAssignment: need integer 0 ≤ rows ≤ cols, got ${rows}×${cols}`);
  }
  if (cost.length !== rows * cols) throw new RangeError(`solveAssignment: cost has ${cost.length} entries, expected ${rows * cols}`);
  for (let k = 0; k < cost.length; k++) {
    if (!Number.isFinite(cost[k])) throw new RangeError(`solveAssignment: cost entry ${k} is not finite`);
  }
  // 1-based internally; column 0 is a virtual column holding the row being inserted.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const rowOfCol = new Int32Array(cols + 1);
  const way = new Int32Array(cols + 1);
  const minReduced = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    rowOfCol[0] = i;
    let col0 = 0;
    minReduced.fill(Infinity);
    used.fill(0);
    do {
      used[col0] = 1;
      const row0 = rowOfCol[col0] ?? 0;
      let delta = Infinity;
      let col1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j] === 1) continue;
        const reduced = (cost[(row0 - 1) * cols + (j - 1)] ?? 0) - (u[row0] ?? 0) - (v[j] ?? 0);
        if (reduced < (minReduced[j] ?? Infinity)) {
          minReduced[j] = reduced;
          way[j] = col0;
        }
        if ((minReduced[j] ?? Infinity) < delta) {
          delta = minReduced[j] ?? Infinity;
          col1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j] === 1) {
          const r = rowOfCol[j] ?? 0;
          u[r] = (u[r] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else {
          minReduced[j] = (minReduced[j] ?? 0) - delta;
        }
      }
      col0 = col1;
    } while ((rowOfCol[col0] ?? 0) !== 0);
    // Flip the augmenting path.
    do {
      const col1 = way[col0] ?? 0;
      rowOfCol[col0] = rowOfCol[col1] ?? 0;
      col0 = col1;
    } while (col0 !== 0);
  }
  const rowToColumn = new Int32Array(rows).fill(-1);
  let total = 0;
  for (let j = 1; j <= cols; j++) {
    const r = rowOfCol[j] ?? 0;
    if (r !== 0) {
      rowToColumn[r - 1] = j - 1;
      total += cost[(r - 1) * cols + (j - 1)] ?? 0;
    }
  }
  return { rowToColumn, cost: total };
}
