import { describe, expect, it } from 'vitest';
import { AlertEngine } from './alert-engine.js';

describe('the alert engine', () => {
  it('raises one alert per incident however many evaluations see it', () => {
    const engine = new AlertEngine(() => 0);
    const values = [0.9, 0.7, 0.69, 0.65, 0.7, 0.74];
    const raised = values.map((v) => engine.level('k', { bad: v < 0.75, clear: v >= 0.77, cooldownMs: 0 }));
    expect(raised).toEqual([false, true, false, false, false, false]);
  });

  it('clears only past the hysteresis band, then raises again for a new incident', () => {
    const engine = new AlertEngine(() => 0);
    const eval_ = (v: number) => engine.level('k', { bad: v < 0.75, clear: v >= 0.77, cooldownMs: 0 });
    expect(eval_(0.7)).toBe(true);
    expect(eval_(0.76)).toBe(false); // inside the band: still the same incident
    expect(eval_(0.7)).toBe(false);
    expect(eval_(0.8)).toBe(false); // cleared
    expect(eval_(0.7)).toBe(true); // a new incident
  });

  it('holds a new incident back until the cool-down has passed, then raises it if it persists', () => {
    let now = 0;
    const engine = new AlertEngine(() => now);
    const eval_ = (bad: boolean) => engine.level('k', { bad, clear: !bad, cooldownMs: 1000 });
    expect(eval_(true)).toBe(true);
    now = 100;
    expect(eval_(false)).toBe(false);
    now = 200;
    expect(eval_(true)).toBe(false);
    now = 1200;
    expect(eval_(true)).toBe(true);
  });

  it('spaces edge events by the cool-down, per key', () => {
    let now = 0;
    const engine = new AlertEngine(() => now);
    expect(engine.event('a', 1000)).toBe(true);
    expect(engine.event('a', 1000)).toBe(false);
    expect(engine.event('b', 1000)).toBe(true);
    now = 1000;
    expect(engine.event('a', 1000)).toBe(true);
  });
});
