function normalised(v: ArrayLike<number>, name: string): Float64Array {
  let total = 0;
  for (let i = 0; i < v.length; i++) total += Math.abs(v[i] ?? 0);
  const out = new Float64Array(v.length);
  if (total === 0) return out;
  if (!Number.isFinite(total)) throw new RangeError(`importanceDistance: ${name} has non-finite entries`);
  for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i] ?? 0) / total;
  return out;
}

/**
 * Feature-importance distance (for tree ensembles, MLPs…):
 * ||ι/‖ι‖₁ − ι'/‖ι'‖₁||² with ι = |importances|, so only the relative shape of
 * the importance profile matters (an all-zero vector normalises to zeros).
 */
export function importanceDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`importanceDistance: lengths ${a.length} and ${b.length} differ`);
  const na = normalised(a, 'first vector');
  const nb = normalised(b, 'second vector');
  let d = 0;
  for (let i = 0; i < na.length; i++) d += ((na[i] ?? 0) - (nb[i] ?? 0)) ** 2;
  return d;
}
