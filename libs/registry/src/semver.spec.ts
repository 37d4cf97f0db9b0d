import { describe, expect, it } from 'vitest';
import { bumpSemver, compareSemver, isSemver, parseSemver } from './semver.js';

describe('semantic versions', () => {
  it('parses core and prerelease parts', () => {
    expect(parseSemver('1.20.3-rc.1')).toEqual({ major: 1, minor: 20, patch: 3, prerelease: ['rc', '1'] });
  });

  it('rejects leading zeros, missing parts and build junk', () => {
    for (const bad of ['01.0.0', '1.0', 'v1.0.0', '1.0.0.0', '', '1.0.0-']) expect(isSemver(bad)).toBe(false);
  });

  it('orders versions by the precedence rules of semver 2.0.0 §11', () => {
    // The example chain given in the semver specification, §11.
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 0; i + 1 < chain.length; i++) {
      expect(compareSemver(chain[i] as string, chain[i + 1] as string)).toBe(-1);
      expect(compareSemver(chain[i + 1] as string, chain[i] as string)).toBe(1);
    }
    expect(compareSemver('2.0.0', '10.0.0')).toBe(-1);
    expect(compareSemver('1.2.3', '1.2.3')).toBe(0);
  });

  it('bumps the requested part and resets the lower ones', () => {
    expect(bumpSemver('1.4.2', 'minor')).toBe('1.5.0');
    expect(bumpSemver('1.4.2', 'patch')).toBe('1.4.3');
    expect(bumpSemver('1.4.2-rc.1', 'major')).toBe('2.0.0');
  });

  it('says which text is not a version', () => {
    expect(() => compareSemver('latest', '1.0.0')).toThrow(/not a semantic version: "latest"/);
  });
});
