import type { DriftSignal, StreamDetector } from './stream-detector.js';

export interface DdmOptions {
  /** Observations before any verdict (Gama et al.: 30). */
  readonly minInstances?: number;
  /** Warning when p + s ≥ p_min + warningLevel·s_min (2). */
  readonly warningLevel?: number;
  /** Drift when p + s ≥ p_min + driftLevel·s_min (3). */
  readonly driftLevel?: number;
}

/**
 * Drift Detection Method, Gama, Medas, Castillo & Rodrigues (2004), "Learning with Drift
 * Detection", SBIA. Input: error indicator (1 = wrong). With p_i the running error rate and
 * s_i = sqrt(p_i(1 − p_i)/i), it records the minimum of p_i + s_i and signals a warning at
 * p_i + s_i ≥ p_min + 2 s_min and drift at ≥ p_min + 3 s_min, after 30 instances (paper
 * defaults, also River's). Statistics restart after a drift.
 */
export class Ddm implements StreamDetector {
  readonly name = 'DDM';
  private readonly minInstances: number;
  private readonly warningLevel: number;
  private readonly driftLevel: number;
  private n = 0;
  private p = 0;
  private pMin = Number.POSITIVE_INFINITY;
  private sMin = Number.POSITIVE_INFINITY;

  constructor({ minInstances = 30, warningLevel = 2, driftLevel = 3 }: DdmOptions = {}) {
    if (!(warningLevel > 0 && driftLevel > warningLevel)) throw new RangeError('DDM needs 0 < warningLevel < driftLevel');
    this.minInstances = minInstances;
    this.warningLevel = warningLevel;
    this.driftLevel = driftLevel;
  }

  update(x: number): DriftSignal {
    if (x !== 0 && x !== 1) throw new RangeError(`DDM takes error indicators 0 or 1, got ${x}`);
    this.n++;
    this.p += (x - this.p) / this.n;
    const s = Math.sqrt((this.p * (1 - this.p)) / this.n);
    if (this.n < this.minInstances) return 'none';
    if (this.p + s < this.pMin + this.sMin) {
      this.pMin = this.p;
      this.sMin = s;
    }
    const level = this.p + s;
    if (level >= this.pMin + this.driftLevel * this.sMin) {
      this.reset();
      return 'drift';
    }
    return level >= this.pMin + this.warningLevel * this.sMin ? 'warning' : 'none';
  }

  reset(): void {
    this.n = 0;
    this.p = 0;
    this.pMin = Number.POSITIVE_INFINITY;
    this.sMin = Number.POSITIVE_INFINITY;
  }
}
