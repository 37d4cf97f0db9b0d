import { INITIAL_MODEL, type DistanceCache } from './distance-cache.js';
import type { SequenceSelection } from './selection.js';

/** Options for {@link shortestSequence}. */
export interface ShortestPathOptions {
  /** When true, the sequence starts from the fixed model f0 (`INITIAL_MODEL`), paper §2.5. */
  readonly initial?: boolean;
}

function checkLayers(layers: readonly Int32Array[], fn: string): void {
  if (layers.length === 0) throw new RangeError(`${fn}: no batches`);
  layers.forEach((layer, b) => {
    if (layer.length === 0) throw new RangeError(`${fn}: batch ${b} has no feasible candidate`);
  });
}

/**
 * Restricted SVML selection (paper §2.4): the minimum-total-distance path
 * through the layered graph whose layer b holds batch b's α-feasible candidates
 * and whose edges (b, i) → (b+1, j) weigh d(f_b^i, f_{b+1}^j).
 * Dynamic programming over layers:
 *   C_0(j) = 0 (or d(f0, j) with an initial model),
 *   C_{b+1}(j) = min_i C_b(i) + d(i, j),
 * with O(Σ_b |L_b|·|L_{b+1}|) = O(B·K²) distance evaluations, each cached.
 * Ties go to the earlier candidate in layer order, so results are deterministic.
 */
export function shortestSequence(
  layers: readonly Int32Array[],
  distance: DistanceCache,
  { initial = false }: ShortestPathOptions = {},
): SequenceSelection {
  checkLayers(layers, 'shortestSequence');
  const first = layers[0] ?? new Int32Array(0);
  let cost = new Float64Array(first.length);
  if (initial) {
    for (let j = 0; j < first.length; j++) cost[j] = distance.get(INITIAL_MODEL, { batch: 0, index: first[j] ?? 0 });
  }
  const parents: Int32Array[] = [new Int32Array(first.length).fill(-1)];
  for (let b = 1; b < layers.length; b++) {
    const prev = layers[b - 1] ?? new Int32Array(0);
    const layer = layers[b] ?? new Int32Array(0);
    const next = new Float64Array(layer.length);
    const parent = new Int32Array(layer.length);
    for (let j = 0; j < layer.length; j++) {
      let best = Infinity;
      let arg = 0;
      const to = { batch: b, index: layer[j] ?? 0 };
      for (let i = 0; i < prev.length; i++) {
        const c = (cost[i] ?? 0) + distance.get({ batch: b - 1, index: prev[i] ?? 0 }, to);
        if (c < best) {
          best = c;
          arg = i;
        }
      }
      next[j] = best;
      parent[j] = arg;
    }
    cost = next;
    parents.push(parent);
  }
  let end = 0;
  for (let j = 1; j < cost.length; j++) if ((cost[j] ?? 0) < (cost[end] ?? 0)) end = j;
  const positions = new Int32Array(layers.length);
  positions[layers.length - 1] = end;
  for (let b = layers.length - 1; b > 0; b--) positions[b - 1] = parents[b]?.[positions[b] ?? 0] ?? 0;
  const indices = positions.map((pos, b) => layers[b]?.[pos] ?? 0);
  return withDistances(indices, distance, initial);
}

/** Builds a {@link SequenceSelection} for a fixed choice of candidate per batch. */
export function withDistances(indices: Int32Array, distance: DistanceCache, initial: boolean): SequenceSelection {
  const edges = indices.length - 1 + (initial ? 1 : 0);
  const distances = new Float64Array(Math.max(0, edges));
  let e = 0;
  if (initial) distances[e++] = distance.get(INITIAL_MODEL, { batch: 0, index: indices[0] ?? 0 });
  for (let b = 1; b < indices.length; b++) {
    distances[e++] = distance.get({ batch: b - 1, index: indices[b - 1] ?? 0 }, { batch: b, index: indices[b] ?? 0 });
  }
  let totalDistance = 0;
  for (const d of distances) totalDistance += d;
  return { indices, distances, totalDistance };
}
