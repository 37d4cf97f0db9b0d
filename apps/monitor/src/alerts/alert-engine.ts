interface LevelState {
  active: boolean;
  lastRaisedAt: number;
}

/**
 * Turns evaluations into incidents so that one incident raises one alert, not a storm.
 * Level conditions (a metric below a threshold, drift present) use hysteresis: an alert is
 * raised when the condition turns bad and stays active — raising nothing more — until the value
 * is back beyond a separate, stricter clear condition; after that a cool-down must pass before
 * the same key raises again. Edge events (a detector firing, new data, a schedule) only obey the
 * cool-down.
 */
export class AlertEngine {
  private readonly states = new Map<string, LevelState>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Evaluates a level condition for `key`; true when an alert should be raised now.
   * `bad`: the condition holds; `clear`: it is over (should imply `!bad`, with a margin).
   */
  level(key: string, { bad, clear, cooldownMs }: { bad: boolean; clear: boolean; cooldownMs: number }): boolean {
    const s = this.state(key);
    if (s.active) {
      if (clear) s.active = false;
      return false;
    }
    // Within the cool-down a bad value is not an incident yet; it becomes one if it persists.
    if (!bad || this.now() - s.lastRaisedAt < cooldownMs) return false;
    s.active = true;
    s.lastRaisedAt = this.now();
    return true;
  }

  /** An edge event for `key`; true when an alert should be raised (cool-down elapsed). */
  event(key: string, cooldownMs: number): boolean {
    const s = this.state(key);
    if (this.now() - s.lastRaisedAt < cooldownMs) return false;
    s.lastRaisedAt = this.now();
    return true;
  }

  /** Keys whose level condition is currently active. */
  activeKeys(): string[] {
    return [...this.states.entries()].filter(([, s]) => s.active).map(([k]) => k);
  }

  private state(key: string): LevelState {
    let s = this.states.get(key);
    if (!s) this.states.set(key, (s = { active: false, lastRaisedAt: Number.NEGATIVE_INFINITY }));
    return s;
  }
}
