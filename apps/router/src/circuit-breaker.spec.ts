import { describe, expect, it } from 'vitest';
import { BreakerBoard, CircuitBreaker } from './circuit-breaker.js';

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('the circuit breaker', () => {
  it('opens after N consecutive failures and refuses calls during the cool-down', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 100, now: c.now });
    b.failure();
    b.failure();
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.current).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    c.advance(99);
    expect(b.tryAcquire()).toBe(false);
  });

  it('a success resets the count of consecutive failures', () => {
    const b = new CircuitBreaker({ failureThreshold: 2 });
    b.failure();
    b.success();
    b.failure();
    expect(b.current).toBe('closed');
  });

  it('lets exactly one probe through after the cool-down and closes when it succeeds', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, now: c.now });
    b.failure();
    c.advance(100);
    expect(b.current).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.success();
    expect(b.current).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('opens again for a full cool-down when the probe fails', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, now: c.now });
    b.failure();
    c.advance(150);
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.current).toBe('open');
    c.advance(99);
    expect(b.tryAcquire()).toBe(false);
    c.advance(1);
    expect(b.tryAcquire()).toBe(true);
  });

  it('keeps one breaker per member', () => {
    const board = new BreakerBoard({ failureThreshold: 1 });
    board.get('m@1.0.0').failure();
    expect(board.get('m@1.0.0').current).toBe('open');
    expect(board.get('m@1.1.0').current).toBe('closed');
    expect(board.states().map((s) => s.key).sort()).toEqual(['m@1.0.0', 'm@1.1.0']);
  });

  it('refuses nonsensical settings', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/failureThreshold/);
  });
});
