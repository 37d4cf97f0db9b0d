import { describe, expect, it } from 'vitest';
import { ArmComparison } from '@ratchet/contracts';
import { canaryComparison, decideRollout, defaultRolloutCriteria, regressionPValue, standardNormalCdf, type RolloutSubject } from './rollout-decision.js';

const subject = (over: Partial<RolloutSubject['criteria']> = {}): RolloutSubject => ({
  model: 'demo',
  stable: '1.0.0',
  canary: '1.1.0',
  startedAtMs: 1_000,
  criteria: { ...defaultRolloutCriteria, minSamplePerArm: 500, alpha: 0.05, tolerance: 0, timeoutMs: 60_000, ...over },
});

/** A monitor comparison of 1.1.0 (canary) against 1.0.0 (stable) with the given accuracies and counts. */
function comparison(o: { ns: number; nc: number; ps: number; pc: number; paired?: number; regressions?: number; gains?: number }): ArmComparison {
  return ArmComparison.fromPartial({
    baselineArm: '1.0.0',
    baselineVersion: '1.0.0',
    arm: '1.1.0',
    version: '1.1.0',
    metric: 'accuracy',
    baselineValue: o.ps,
    value: o.pc,
    difference: o.pc - o.ps,
    baselineCount: o.ns,
    count: o.nc,
    pairedCount: o.paired ?? 0,
    regressions: o.regressions ?? 0,
    gains: o.gains ?? 0,
  });
}

const at = 2_000;

describe('standardNormalCdf', () => {
  it('matches tabulated values of Φ', () => {
    expect(standardNormalCdf(0)).toBeCloseTo(0.5, 12);
    expect(standardNormalCdf(1)).toBeCloseTo(0.841344746, 8);
    expect(standardNormalCdf(-1.959963985)).toBeCloseTo(0.025, 8);
    expect(standardNormalCdf(-3)).toBeCloseTo(0.001349898, 8);
  });
});

describe('regressionPValue', () => {
  it('is the pooled two-proportion z-test, one-sided on the side of a drop', () => {
    // 0.90 vs 0.85 on 1000 rows each: p̄ = 0.875, SE = √(0.875·0.125·0.002) = 0.0147902, z = −3.38062.
    const p = regressionPValue(comparison({ ns: 1000, nc: 1000, ps: 0.9, pc: 0.85 }), 0);
    expect(p).toBeCloseTo(standardNormalCdf(-0.05 / Math.sqrt(0.875 * 0.125 * 0.002)), 12);
    expect(p).toBeCloseTo(0.000361, 5);
  });

  it('shifts the null hypothesis by the tolerance', () => {
    const c = comparison({ ns: 1000, nc: 1000, ps: 0.9, pc: 0.85 });
    expect(regressionPValue(c, 0.02)).toBeCloseTo(standardNormalCdf(-0.03 / Math.sqrt(0.875 * 0.125 * 0.002)), 12);
    expect(regressionPValue(c, 0.02)).toBeGreaterThan(regressionPValue(c, 0));
  });
});

describe('canaryComparison', () => {
  it('mirrors a comparison whose baseline is the canary', () => {
    const reversed = ArmComparison.fromPartial({
      baselineArm: '1.1.0', baselineVersion: '1.1.0', arm: '1.0.0', version: '1.0.0',
      baselineValue: 0.8, value: 0.9, difference: 0.1, ciLow: 0.05, ciHigh: 0.15, z: 4,
      baselineCount: 700, count: 600, regressions: 3, gains: 9,
    });
    const c = canaryComparison([reversed], '1.0.0', '1.1.0');
    expect(c).toMatchObject({ version: '1.1.0', baselineVersion: '1.0.0', difference: -0.1, ciLow: -0.15, ciHigh: -0.05, z: -4, count: 700, baselineCount: 600, regressions: 9, gains: 3, value: 0.8, baselineValue: 0.9 });
  });

  it('ignores comparisons of other versions', () => {
    expect(canaryComparison([comparison({ ns: 1, nc: 1, ps: 1, pc: 1 })], '0.9.0', '1.1.0')).toBeUndefined();
  });
});

describe('decideRollout', () => {
  it('waits and says how many rows each arm still needs before the minimum sample', () => {
    const d = decideRollout(subject(), comparison({ ns: 450, nc: 120, ps: 0.9, pc: 0.5 }), at);
    expect(d).toMatchObject({ action: 'wait', moreStable: 50, moreCanary: 380 });
    expect(d.reason).toContain('50 more');
  });

  it('waits for the whole minimum sample when the monitor has not compared the arms yet', () => {
    expect(decideRollout(subject(), undefined, at)).toMatchObject({ action: 'wait', moreStable: 500, moreCanary: 500 });
  });

  it('promotes a canary whose drop is not significant once both arms reached the minimum sample', () => {
    // 0.90 vs 0.895: z = −0.369, one-sided p = 0.356.
    const d = decideRollout(subject(), comparison({ ns: 1000, nc: 500, ps: 0.9, pc: 0.895 }), at);
    expect(d.action).toBe('promote');
    expect(d.evidence.pValue).toBeGreaterThan(0.05);
    expect(d.evidence).toMatchObject({ stableCount: 1000, canaryCount: 500 });
  });

  it('promotes a better canary', () => {
    expect(decideRollout(subject(), comparison({ ns: 900, nc: 600, ps: 0.8, pc: 0.9 }), at).action).toBe('promote');
  });

  it('rolls back a significant drop with its evidence', () => {
    const d = decideRollout(subject(), comparison({ ns: 1000, nc: 1000, ps: 0.9, pc: 0.85 }), at);
    expect(d).toMatchObject({ action: 'rollback', timedOut: false });
    expect(d.evidence.difference).toBeCloseTo(-0.05, 12);
    expect(d.evidence.pValue).toBeLessThan(0.001);
  });

  it('tolerates a drop within the tolerance and rolls back one significantly beyond it', () => {
    // Δ = −0.02 with τ = 0.01: z = −0.01/0.013994 = −0.715, p = 0.237 → not significant.
    expect(decideRollout(subject({ tolerance: 0.01 }), comparison({ ns: 1000, nc: 1000, ps: 0.9, pc: 0.88 }), at).action).toBe('promote');
    // Δ = −0.05 with τ = 0.02: z = −0.03/0.01479 = −2.03, p = 0.021 < 0.05.
    expect(decideRollout(subject({ tolerance: 0.02 }), comparison({ ns: 1000, nc: 1000, ps: 0.9, pc: 0.85 }), at).action).toBe('rollback');
  });

  it('rolls back on any paired regression with the default zero tolerance, even when accuracy rose', () => {
    const d = decideRollout(subject(), comparison({ ns: 800, nc: 800, ps: 0.8, pc: 0.82, paired: 800, regressions: 2, gains: 18 }), at);
    expect(d.action).toBe('rollback');
    expect(d.evidence.regressionBound).toBeGreaterThan(0);
    expect(d.reason).toContain('2 regressions in 800');
  });

  it('promotes with paired rows when none regressed', () => {
    const d = decideRollout(subject(), comparison({ ns: 800, nc: 800, ps: 0.8, pc: 0.82, paired: 800, regressions: 0, gains: 16 }), at);
    expect(d.action).toBe('promote');
    // U(0, 800) at 95% = 1 − 0.05^(1/800).
    expect(d.evidence.regressionBound).toBeCloseTo(1 - 0.05 ** (1 / 800), 10);
  });

  it('keeps waiting when paired regressions are neither within a positive tolerance nor significantly above it', () => {
    // τ = 0.01 on 600 pairs with 6 regressions: upper bound ≈ 0.0197 > 0.01, lower bound ≈ 0.0044 < 0.01.
    const d = decideRollout(subject({ tolerance: 0.01 }), comparison({ ns: 600, nc: 600, ps: 0.8, pc: 0.8, paired: 600, regressions: 6, gains: 6 }), at);
    expect(d.action).toBe('wait');
  });

  it('rolls back on timeout when the data is still not enough', () => {
    const d = decideRollout(subject(), comparison({ ns: 5000, nc: 20, ps: 0.9, pc: 0.9 }), 1_000 + 60_000);
    expect(d).toMatchObject({ action: 'rollback', timedOut: true });
    expect(d.reason).toContain('timed out');
  });

  it('still decides on the data after the timeout when the minimum sample is there', () => {
    expect(decideRollout(subject(), comparison({ ns: 1000, nc: 1000, ps: 0.9, pc: 0.9 }), 1_000_000).action).toBe('promote');
  });

  it('refuses criteria that make no sense', () => {
    expect(() => decideRollout(subject({ alpha: 0 }), undefined, at)).toThrow(/alpha/);
    expect(() => decideRollout(subject({ minSamplePerArm: 0 }), undefined, at)).toThrow(/minSamplePerArm/);
  });
});
