/**
 * Groups consecutive fine histogram bins into at most `target` groups of ≈ equal reference mass
 * (a group closes once the cumulative reference share reaches g/target). Used to turn the
 * 100-bin profile histogram into the customary 10 reference-decile bins for PSI and JS, which
 * keeps their small-sample bias ((B−1)/n for PSI under no drift) small. Point masses larger
 * than 1/target simply produce fewer groups. Returns the group index of each fine bin.
 */
export function coarsenBins(referenceCounts: ArrayLike<number>, target: number): Int32Array {
  if (!Number.isInteger(target) || target < 1) throw new RangeError(`target bins must be a positive integer, got ${target}`);
  let total = 0;
  for (let i = 0; i < referenceCounts.length; i++) total += referenceCounts[i] as number;
  const groups = new Int32Array(referenceCounts.length);
  let g = 0;
  let cum = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    groups[i] = g;
    cum += referenceCounts[i] as number;
    while (g < target - 1 && cum >= (total * (g + 1)) / target && cum > 0) g++;
    // A group that just closed keeps bin i; the next bin opens group g.
  }
  // Trailing bins with no reference mass belong to the last non-empty group.
  return compact(groups, referenceCounts);
}

/** Sums `counts` into groups given by {@link coarsenBins}. */
export function sumByGroup(counts: ArrayLike<number>, groups: Int32Array): Float64Array {
  let n = 0;
  for (let i = 0; i < groups.length; i++) if ((groups[i] as number) + 1 > n) n = (groups[i] as number) + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as number;
    out[g] = (out[g] as number) + (counts[i] as number);
  }
  return out;
}

function compact(groups: Int32Array, referenceCounts: ArrayLike<number>): Int32Array {
  // Renumber so that every group holds reference mass: a group with none is merged into the
  // previous one (or the next one at the start), keeping PSI's log ratios finite before ε.
  const n = groups.length;
  const mass = new Map<number, number>();
  for (let i = 0; i < n; i++) mass.set(groups[i] as number, (mass.get(groups[i] as number) ?? 0) + (referenceCounts[i] as number));
  const out = new Int32Array(n);
  let next = -1;
  let previousGroup = -1;
  for (let i = 0; i < n; i++) {
    const g = groups[i] as number;
    if (g !== previousGroup && (mass.get(g) ?? 0) > 0) next++;
    previousGroup = g;
    out[i] = Math.max(0, next);
  }
  return out;
}
