/** Settings of the per-member circuit breakers. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses calls before letting one probe through. Default 5000 ms. */
  readonly cooldownMs?: number;
  readonly now?: () => number;
}

/** closed: calls flow; open: calls are refused; half-open: one probe decides. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker for one member (model@version): after `failureThreshold` consecutive
 * failures it opens and refuses calls for `cooldownMs`, so requests go straight to the fallback
 * instead of waiting out a dead member's deadline; then it lets exactly one probe through
 * (half-open) and closes on its success or opens again on its failure.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private state: CircuitState = 'closed';
  private probing = false;
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 5000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.threshold) || this.threshold < 1) throw new RangeError(`failureThreshold must be a positive integer, got ${this.threshold}`);
    if (!(this.cooldownMs >= 0)) throw new RangeError(`cooldownMs must be ≥ 0, got ${this.cooldownMs}`);
  }

  /** The state now (an open circuit whose cool-down is over reports half-open). */
  get current(): CircuitState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.cooldownMs) return 'half-open';
    return this.state;
  }

  /** Whether a call may go out now; in half-open, true once (the probe) until it reports back. */
  tryAcquire(): boolean {
    const s = this.current;
    if (s === 'closed') return true;
    if (s === 'open' || this.probing) return false;
    this.state = 'half-open';
    this.probing = true;
    return true;
  }

  /** Reports a call that succeeded. */
  success(): void {
    this.failures = 0;
    this.probing = false;
    this.state = 'closed';
  }

  /** Reports a call that failed (error, deadline exceeded or invalid output). */
  failure(): void {
    this.failures++;
    if (this.state === 'half-open' || this.failures >= this.threshold) {
      this.state = 'open';
      this.openedAt = this.now();
      this.probing = false;
    }
  }
}

/** The breakers of every member, created on first use. */
export class BreakerBoard {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly options: CircuitBreakerOptions = {}) {}

  /** The breaker of a member key such as `income@1.1.0`. */
  get(key: string): CircuitBreaker {
    let b = this.breakers.get(key);
    if (!b) this.breakers.set(key, (b = new CircuitBreaker(this.options)));
    return b;
  }

  /** Members whose circuit is not closed, for metrics. */
  states(): { key: string; state: CircuitState }[] {
    return [...this.breakers].map(([key, b]) => ({ key, state: b.current }));
  }
}
