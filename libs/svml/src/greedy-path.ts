import type { ScoreMode } from './alpha-feasibility.js';
import { INITIAL_MODEL, type CandidateRef, type DistanceCache } from './distance-cache.js';
import type { SequenceSelection } from './selection.js';
import { withDistances } from './shortest-path.js';

/**
 * Greedy baseline for comparison with the shortest path: at batch 0 pick the
 * best-scoring feasible candidate (or, with an initial model f0, the feasible
 * candidate closest to f0); at each later batch pick the feasible candidate
 * closest to the previous pick. Ties go to the earlier candidate in layer order.
 * Its total distance is never below {@link shortestSequence}'s on the same layers.
 */
export function greedySequence(
  layers: readonly Int32Array[],
  batchScores: readonly ArrayLike<number>[],
  mode: ScoreMode,
  distance: DistanceCache,
  { initial = false }: { readonly initial?: boolean } = {},
): SequenceSelection {
  if (layers.length === 0) throw new RangeError('greedySequence: no batches');
  const indices = new Int32Array(layers.length);
  let previous: CandidateRef | undefined = initial ? INITIAL_MODEL : undefined;
  for (let b = 0; b < layers.length; b++) {
    const layer = layers[b] ?? new Int32Array(0);
    if (layer.length === 0) throw new RangeError(`greedySequence: batch ${b} has no feasible candidate`);
    let pick = layer[0] ?? 0;
    if (previous === undefined) {
      const scores = batchScores[b];
      if (scores === undefined) throw new RangeError(`greedySequence: no scores for batch ${b}`);
      for (const i of layer) {
        const s = scores[i] ?? 0;
        const p = scores[pick] ?? 0;
        if (mode === 'loss' ? s < p : s > p) pick = i;
      }
    } else {
      let best = Infinity;
      for (const i of layer) {
        const d = distance.get(previous, { batch: b, index: i });
        if (d < best) {
          best = d;
          pick = i;
        }
      }
    }
    indices[b] = pick;
    previous = { batch: b, index: pick };
  }
  return withDistances(indices, distance, initial);
}
