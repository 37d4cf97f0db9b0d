/** A parsed semantic version (https://semver.org, 2.0.0), without build metadata. */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly string[];
}

const SEMVER_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$/;

/** Parses `MAJOR.MINOR.PATCH[-PRERELEASE]`; returns undefined when the text is not one. */
export function parseSemver(text: string): SemVer | undefined {
  const m = SEMVER_RE.exec(text);
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] ? m[4].split('.') : [],
  };
}

/** True when `text` is a valid semantic version. */
export function isSemver(text: string): boolean {
  return parseSemver(text) !== undefined;
}

function mustParse(text: string): SemVer {
  const v = parseSemver(text);
  if (!v) throw new Error(`not a semantic version: ${JSON.stringify(text)} (expected MAJOR.MINOR.PATCH)`);
  return v;
}

function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  // A version without prerelease ranks above any prerelease of the same core (semver §11).
  if (a.length === 0 || b.length === 0) return Math.sign(b.length - a.length);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) {
      const d = Number(x) - Number(y);
      if (d !== 0) return Math.sign(d);
    } else if (xn !== yn) {
      return xn ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Orders two versions by semver precedence: negative when a < b, 0 when equal, positive when a > b. */
export function compareSemver(a: string, b: string): number {
  const x = mustParse(a);
  const y = mustParse(b);
  return (
    Math.sign(x.major - y.major) ||
    Math.sign(x.minor - y.minor) ||
    Math.sign(x.patch - y.patch) ||
    comparePrerelease(x.prerelease, y.prerelease)
  );
}

/** The next version: `major` and `minor` reset the lower parts; prerelease tags are dropped. */
export function bumpSemver(version: string, part: 'major' | 'minor' | 'patch'): string {
  const v = mustParse(version);
  if (part === 'major') return `${v.major + 1}.0.0`;
  if (part === 'minor') return `${v.major}.${v.minor + 1}.0`;
  return `${v.major}.${v.minor}.${v.patch + 1}`;
}
