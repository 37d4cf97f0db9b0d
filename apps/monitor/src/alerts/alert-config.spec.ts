import { describe, expect, it } from 'vitest';
import { AlertConfig } from './alert-config.js';

describe('the alert config', () => {
  it('gives every model the defaults when there is no file', () => {
    const c = new AlertConfig().forModel('any');
    expect(c.performance).toMatchObject({ enabled: true, metric: 'accuracy', min: 0.75, minSamples: 200 });
    expect(c.schedule.enabled).toBe(false);
    expect(c.conceptDrift.detector).toBe('adwin');
  });

  it('merges per-model overrides over the file defaults, field by field', () => {
    const config = AlertConfig.parse({
      defaults: { cooldownMs: 1000, performance: { min: 0.8 } },
      models: { fraud: { performance: { metric: 'log_loss', max: 0.4, min: null }, schedule: { enabled: true, everyMs: 60_000 } } },
    });
    expect(config.forModel('other').performance.min).toBe(0.8);
    expect(config.forModel('other').cooldownMs).toBe(1000);
    const fraud = config.forModel('fraud');
    expect(fraud.performance).toMatchObject({ metric: 'log_loss', max: 0.4, minSamples: 200 });
    expect(fraud.schedule).toEqual({ enabled: true, everyMs: 60_000 });
    expect(fraud.cooldownMs).toBe(1000);
  });

  it('reads inline JSON as well as a file path', () => {
    expect(AlertConfig.load('{"models":{"m":{"newData":{"rows":5}}}}').forModel('m').newData.rows).toBe(5);
  });

  it('fails at load naming the model and the field of a bad value', () => {
    expect(() => AlertConfig.parse({ models: { demo: { newData: { rows: -1 } } } })).toThrow(/model 'demo'[\s\S]*newData/);
  });
});
