import { describe, expect, it } from 'vitest';
import { ModelManifest } from '@ratchet/contracts';
import type { ModelVersionRecord } from '@ratchet/registry';
import { regressionBudget } from './production.js';

const record = (labels: Record<string, string>): ModelVersionRecord => ({
  model: 'loans',
  version: '1.2.0',
  sha256: '0'.repeat(64),
  sizeBytes: 1,
  publishedAtMs: 0,
  artifactPath: '/nowhere',
  manifest: ModelManifest.fromPartial({ labels }),
});

describe('regressionBudget', () => {
  it("takes the model's own budget from its manifest label, else the retrainer's default", () => {
    expect(regressionBudget(record({ budget: '0.01' }), 0.05)).toBe(0.01);
    expect(regressionBudget(record({ budget: '0' }), 0.05)).toBe(0);
    expect(regressionBudget(record({}), 0.05)).toBe(0.05);
    expect(regressionBudget(record({ budget: ' ' }), 0.05)).toBe(0.05);
  });

  it('refuses a label that is not a share, naming the version', () => {
    expect(() => regressionBudget(record({ budget: '5%' }), 0.05)).toThrow("loans@1.2.0: manifest label budget='5%' is not a share in [0, 1]");
    expect(() => regressionBudget(record({ budget: '1.5' }), 0.05)).toThrow(/not a share/);
  });
});
