/** What a streaming change detector says after each observation. */
export type DriftSignal = 'none' | 'warning' | 'drift';

/**
 * A concept-drift detector fed one observation at a time (an error indicator 0/1 or a real
 * value such as a loss). After returning 'drift' a detector restarts its statistics itself, so
 * the next observations are compared with the new concept; `reset()` forces that restart.
 */
export interface StreamDetector {
  readonly name: string;
  update(x: number): DriftSignal;
  reset(): void;
}
