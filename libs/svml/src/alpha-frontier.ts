import { alphaFeasibleLayers, type ScoreMode } from './alpha-feasibility.js';
import type { DistanceCache } from './distance-cache.js';
import { greedySequence } from './greedy-path.js';
import type { SequenceSelection } from './selection.js';
import { shortestSequence } from './shortest-path.js';

/** One point of the predictive-power / stability frontier. */
export interface FrontierPoint {
  readonly alpha: number;
  /** Number of α-feasible candidates per batch. */
  readonly feasibleCounts: Int32Array;
  readonly selection: SequenceSelection;
  /** Mean over batches of the selected candidates' scores (or losses). */
  readonly meanScore: number;
  /** Mean adjacent distance along the selected sequence (0 with a single batch and no f0). */
  readonly meanDistance: number;
  /** The greedy sequence at the same α, when requested. */
  readonly greedy?: { readonly selection: SequenceSelection; readonly meanScore: number; readonly meanDistance: number };
}

/** Options for {@link alphaFrontier}. */
export interface AlphaFrontierOptions {
  readonly initial?: boolean;
  /** Also compute the greedy sequence at each α (default false). */
  readonly includeGreedy?: boolean;
}

function summarise(selection: SequenceSelection, batchScores: readonly ArrayLike<number>[]) {
  let score = 0;
  selection.indices.forEach((index, b) => (score += batchScores[b]?.[index] ?? 0));
  const edges = selection.distances.length;
  return {
    meanScore: score / selection.indices.length,
    meanDistance: edges === 0 ? 0 : selection.totalDistance / edges,
  };
}

/**
 * α sweep (paper §2.4, frontier figures): for each α, restrict every batch to
 * its α-feasible candidates, select the shortest-path sequence and report its
 * mean score (predictive power) and mean adjacent distance (stability). The
 * distance cache is shared across α values, so a pair is evaluated at most once
 * over the whole sweep. Larger α never increases the shortest-path distance
 * (the layers only grow).
 */
export function alphaFrontier(
  batchScores: readonly ArrayLike<number>[],
  alphas: readonly number[],
  mode: ScoreMode,
  distance: DistanceCache,
  { initial = false, includeGreedy = false }: AlphaFrontierOptions = {},
): FrontierPoint[] {
  return alphas.map((alpha) => {
    const layers = alphaFeasibleLayers(batchScores, alpha, mode);
    const selection = shortestSequence(layers, distance, { initial });
    const point: FrontierPoint = {
      alpha,
      feasibleCounts: Int32Array.from(layers, (l) => l.length),
      selection,
      ...summarise(selection, batchScores),
    };
    if (!includeGreedy) return point;
    const greedy = greedySequence(layers, batchScores, mode, distance, { initial });
    return { ...point, greedy: { selection: greedy, ...summarise(greedy, batchScores) } };
  });
}
