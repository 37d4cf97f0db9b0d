import { Gauge } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics.js';

describe('createMetricsRegistry', () => {
  it('collects default process metrics only when asked', async () => {
    const bare = createMetricsRegistry({ serviceName: 'a' });
    const withDefaults = createMetricsRegistry({ serviceName: 'a', defaultMetrics: true, prefix: 'ratchet_' });
    expect(await bare.metrics()).not.toContain('process_cpu');
    expect(await withDefaults.metrics()).toContain('ratchet_process_cpu_user_seconds_total');
  });
});

describe('createMetricsRegistry labels', () => {
  it('keeps each registry separate and labels metrics with the service and extra labels', async () => {
    const a = createMetricsRegistry({ serviceName: 'router', labels: { zone: 'eu' } });
    const b = createMetricsRegistry({ serviceName: 'monitor' });
    new Gauge({ name: 'ratchet_up', help: 'Up.', registers: [a] }).set(1);
    expect(await a.metrics()).toContain('ratchet_up{zone="eu",service="router"} 1');
    expect(await b.metrics()).not.toContain('ratchet_up');
  });

  it('rejects an empty service name', () => {
    expect(() => createMetricsRegistry({ serviceName: '' })).toThrow(/serviceName must be a non-empty string/);
  });
});
