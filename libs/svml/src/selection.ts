/** A selected sequence of models, one per batch. */
export interface SequenceSelection {
  /** Selected candidate index (into the batch's pool) for each batch. */
  readonly indices: Int32Array;
  /** Distance of each edge along the sequence: f0→batch 0 first when an initial model is fixed. */
  readonly distances: Float64Array;
  /** Σ distances: the stability objective Σ_b d(f_b, f_{b+1}) of Problem (1). */
  readonly totalDistance: number;
}
