import { describe, expect, it } from 'vitest';
import { loadMonitorConfig, monitorSettings } from './monitor-config.js';

describe('monitor configuration', () => {
  it('tests drift at 0.1 % by default and takes another level from RATCHET_DRIFT_ALPHA', () => {
    expect(monitorSettings(loadMonitorConfig({})).drift.check?.alpha).toBe(0.001);
    expect(monitorSettings(loadMonitorConfig({ RATCHET_DRIFT_ALPHA: '0.01' })).drift.check?.alpha).toBe(0.01);
  });

  it('refuses a level outside (0, 1), naming the variable', () => {
    expect(() => loadMonitorConfig({ RATCHET_DRIFT_ALPHA: '5' })).toThrow(/RATCHET_DRIFT_ALPHA/);
  });
});
