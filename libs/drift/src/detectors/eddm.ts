import type { DriftSignal, StreamDetector } from './stream-detector.js';

export interface EddmOptions {
  /** Warning when (p' + 2s') / (p'_max + 2s'_max) < alpha (0.95). */
  readonly alpha?: number;
  /** Drift when the ratio < beta (0.90). */
  readonly beta?: number;
  /** Errors seen before any verdict (30). */
  readonly minErrors?: number;
}

/**
 * Early Drift Detection Method, Baena-García, del Campo-Ávila, Fidalgo, Bifet, Gavaldà &
 * Morales-Bueno (2006), "Early Drift Detection Method", IWKDDS. Input: error indicator.
 * Tracks the mean p' and (population) standard deviation s' of the distance between consecutive
 * errors and the maximum of p' + 2s'; when errors come closer together the ratio
 * (p' + 2s') / (p' + 2s')_max falls: warning below α = 0.95, drift below β = 0.90, evaluated at
 * each error once 30 errors were seen (paper and MOA defaults; the maximum is tracked from the
 * 30th error on, as River does). The warning level persists
 * between errors; statistics restart after a drift.
 */
export class Eddm implements StreamDetector {
  readonly name = 'EDDM';
  private readonly alpha: number;
  private readonly beta: number;
  private readonly minErrors: number;
  private t = 0;
  private lastError = 0;
  private errors = 0;
  private mean = 0;
  private m2 = 0;
  private maxLevel = 0;
  private state: DriftSignal = 'none';

  constructor({ alpha = 0.95, beta = 0.9, minErrors = 30 }: EddmOptions = {}) {
    if (!(beta > 0 && beta < alpha && alpha < 1)) throw new RangeError('EDDM needs 0 < beta < alpha < 1');
    this.alpha = alpha;
    this.beta = beta;
    this.minErrors = minErrors;
  }

  update(x: number): DriftSignal {
    if (x !== 0 && x !== 1) throw new RangeError(`EDDM takes error indicators 0 or 1, got ${x}`);
    this.t++;
    if (x === 0) return this.state;
    const distance = this.t - this.lastError;
    this.lastError = this.t;
    this.errors++;
    const delta = distance - this.mean;
    this.mean += delta / this.errors;
    this.m2 += delta * (distance - this.mean);
    if (this.errors < this.minErrors) return (this.state = 'none');
    // The maximum is only recorded from the 30th error on (as River does): earlier estimates of
    // p' + 2s' rest on a handful of distances and would inflate the reference level.
    const level = this.mean + 2 * Math.sqrt(this.m2 / this.errors);
    if (level >= this.maxLevel) {
      this.maxLevel = level;
      return (this.state = 'none');
    }
    const ratio = level / this.maxLevel;
    if (ratio < this.beta) {
      this.reset();
      return 'drift';
    }
    this.state = ratio < this.alpha ? 'warning' : 'none';
    return this.state;
  }

  reset(): void {
    this.t = 0;
    this.lastError = 0;
    this.errors = 0;
    this.mean = 0;
    this.m2 = 0;
    this.maxLevel = 0;
    this.state = 'none';
  }
}
