/** Summary of a set of model-to-model distances. */
export interface StabilitySummary {
  readonly mean: number;
  readonly max: number;
  readonly total: number;
  readonly count: number;
}

function summarise(values: ArrayLike<number>): StabilitySummary {
  let total = 0;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    total += v;
    max = Math.max(max, v);
  }
  return { mean: values.length === 0 ? 0 : total / values.length, max, total, count: values.length };
}

/**
 * Intra-sequence stability of one selected sequence f_1, …, f_B: the adjacent
 * distances d(f_b, f_{b+1}) (plus d(f0, f_1) with an initial model) summarised by
 * mean, max and total. Lower is more stable; total is Problem (1)'s objective.
 */
export function intraSequenceStability(adjacentDistances: ArrayLike<number>): StabilitySummary {
  return summarise(adjacentDistances);
}

/** Inter-sequence stability report (see {@link interSequenceStability}). */
export interface InterSequenceStability extends StabilitySummary {
  /** Mean pairwise distance at each batch. */
  readonly perBatch: Float64Array;
}

/**
 * Inter-sequence stability: how much the model chosen at the same batch varies
 * when the whole selection is rerun on perturbed data (different bootstrap
 * samples or seeds) — S sequences f^1, …, f^S over B batches:
 *   IS_b = (2 / (S(S−1))) Σ_{s<t} d(f_b^s, f_b^t),   IS = (1/B) Σ_b IS_b.
 * `distance(b, s, t)` returns d(f_b^s, f_b^t). This is our operational reading
 * of the paper's inter-sequence notion (we could not consult its Definition 3
 * verbatim); lower is more stable. `max` and `total` range over per-batch means.
 */
export function interSequenceStability(
  sequences: number,
  batches: number,
  distance: (batch: number, s: number, t: number) => number,
): InterSequenceStability {
  if (!Number.isInteger(sequences) || sequences < 2) {
    throw new RangeError(`interSequenceStability: need at least 2 sequences, got ${sequences}`);
  }
  if (!Number.isInteger(batches) || batches < 1) throw new RangeError(`interSequenceStability: batches must be ≥ 1`);
  const perBatch = new Float64Array(batches);
  const pairs = (sequences * (sequences - 1)) / 2;
  for (let b = 0; b < batches; b++) {
    let sum = 0;
    for (let s = 0; s < sequences; s++) for (let t = s + 1; t < sequences; t++) sum += distance(b, s, t);
    perBatch[b] = sum / pairs;
  }
  return { ...summarise(perBatch), perBatch };
}
