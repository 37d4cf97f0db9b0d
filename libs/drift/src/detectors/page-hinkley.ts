import type { DriftSignal, StreamDetector } from './stream-detector.js';

export interface PageHinkleyOptions {
  /** Tolerated change of the mean per observation (0.005). */
  readonly delta?: number;
  /** Alarm threshold λ on the cumulative deviation (50). */
  readonly threshold?: number;
  /** Fading factor of the cumulative sum (1 − 0.0001). */
  readonly alpha?: number;
  /** Observations before any verdict (30). */
  readonly minInstances?: number;
  /** Which change to detect: increase, decrease or both (both, as River). */
  readonly direction?: 'up' | 'down' | 'both';
}

/**
 * Page–Hinkley test (Page 1954; as used for drift by Gama, Sebastião & Rodrigues 2013).
 * With x̄_T the running mean, m_T = α·m_{T−1} + (x_T − x̄_T − δ) and M_T = min_t m_t, an increase
 * is signalled when m_T − M_T > λ; symmetrically m'_T = α·m'_{T−1} + (x_T − x̄_T + δ) with
 * M'_T = max_t m'_t signals a decrease when M'_T − m'_T > λ. Defaults δ = 0.005, λ = 50,
 * α = 1 − 0.0001, 30 warm-up observations (River's defaults). No warning zone; restarts after a
 * drift.
 */
export class PageHinkley implements StreamDetector {
  readonly name = 'Page-Hinkley';
  private readonly delta: number;
  private readonly threshold: number;
  private readonly alpha: number;
  private readonly minInstances: number;
  private readonly direction: 'up' | 'down' | 'both';
  private n = 0;
  private mean = 0;
  private sumUp = 0;
  private minUp = 0;
  private sumDown = 0;
  private maxDown = 0;

  constructor({ delta = 0.005, threshold = 50, alpha = 1 - 0.0001, minInstances = 30, direction = 'both' }: PageHinkleyOptions = {}) {
    if (!(threshold > 0)) throw new RangeError('Page-Hinkley threshold must be > 0');
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError('Page-Hinkley alpha must be in (0, 1]');
    this.delta = delta;
    this.threshold = threshold;
    this.alpha = alpha;
    this.minInstances = minInstances;
    this.direction = direction;
  }

  update(x: number): DriftSignal {
    if (!Number.isFinite(x)) throw new RangeError(`Page-Hinkley needs finite values, got ${x}`);
    this.n++;
    this.mean += (x - this.mean) / this.n;
    const dev = x - this.mean;
    this.sumUp = this.alpha * this.sumUp + dev - this.delta;
    this.sumDown = this.alpha * this.sumDown + dev + this.delta;
    if (this.sumUp < this.minUp) this.minUp = this.sumUp;
    if (this.sumDown > this.maxDown) this.maxDown = this.sumDown;
    if (this.n < this.minInstances) return 'none';
    const up = this.direction !== 'down' && this.sumUp - this.minUp > this.threshold;
    const down = this.direction !== 'up' && this.maxDown - this.sumDown > this.threshold;
    if (up || down) {
      this.reset();
      return 'drift';
    }
    return 'none';
  }

  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.sumUp = 0;
    this.minUp = 0;
    this.sumDown = 0;
    this.maxDown = 0;
  }
}
