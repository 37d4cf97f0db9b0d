/**
 * A candidate in the layered selection graph: `index` into batch `batch`'s pool.
 * Batch −1, index 0 denotes the fixed initial model f0 (adaptive retraining, §2.5).
 */
export interface CandidateRef {
  readonly batch: number;
  readonly index: number;
}

/** Distance between two candidate models (e.g. coefficient, importance or path distance). */
export type CandidateDistance = (from: CandidateRef, to: CandidateRef) => number;

/** The initial model f0 as a node of the selection graph. */
export const INITIAL_MODEL: CandidateRef = { batch: -1, index: 0 };

/**
 * Memoises a (possibly expensive) model distance so each ordered pair of
 * candidates is evaluated once, however many α values or selection strategies
 * (shortest path, greedy, frontier sweep) reuse it.
 */
export class DistanceCache {
  private readonly values = new Map<string, number>();
  private computed = 0;

  constructor(private readonly distance: CandidateDistance) {}

  /** d(from, to), computed on first use; throws on a negative or NaN distance. */
  get(from: CandidateRef, to: CandidateRef): number {
    const key = `${from.batch}:${from.index}>${to.batch}:${to.index}`;
    const cached = this.values.get(key);
    if (cached !== undefined) return cached;
    const value = this.distance(from, to);
    if (!(value >= 0)) {
      throw new RangeError(
        `distance from batch ${from.batch}#${from.index} to batch ${to.batch}#${to.index} is ${value}; expected ≥ 0`,
      );
    }
    this.computed++;
    this.values.set(key, value);
    return value;
  }

  /** Number of distance-function calls so far (distinct pairs). */
  get evaluations(): number {
    return this.computed;
  }
}
