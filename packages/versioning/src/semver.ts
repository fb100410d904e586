/** A parsed semantic version (`major.minor.patch[-pre][+build]`). */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  build: string[];
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** Parses a full SemVer string; undefined when it is not one. */
export function parseSemVer(text: unknown): SemVer | undefined {
  if (typeof text !== "string") return undefined;
  const m = SEMVER.exec(text.trim());
  if (!m) return undefined;
  const n = [Number(m[1]), Number(m[2]), Number(m[3])] as const;
  if (!n.every(Number.isSafeInteger)) return undefined;
  return {
    major: n[0],
    minor: n[1],
    patch: n[2],
    prerelease: m[4] ? m[4].split(".") : [],
    build: m[5] ? m[5].split(".") : [],
  };
}

function comparePre(a: string[], b: string[]): number {
  // A release sorts after its own prereleases.
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
    } else if (xn !== yn) return xn ? -1 : 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** -1, 0 or 1 by SemVer precedence (build metadata ignored). */
export function compareSemVer(a: SemVer, b: SemVer): number {
  return (
    Math.sign(a.major - b.major) ||
    Math.sign(a.minor - b.minor) ||
    Math.sign(a.patch - b.patch) ||
    comparePre(a.prerelease, b.prerelease)
  );
}

export function formatSemVer(v: SemVer): string {
  const pre = v.prerelease.length ? `-${v.prerelease.join(".")}` : "";
  const build = v.build.length ? `+${v.build.join(".")}` : "";
  return `${v.major}.${v.minor}.${v.patch}${pre}${build}`;
}

/**
 * Elixir's `~> x.y.z`: at least x.y.z and below x.(y+1).0. Pre-releases never match,
 * as Elixir's Version.match? excludes them by default.
 */
export function matchesPessimistic(version: SemVer, requirement: SemVer): boolean {
  if (version.prerelease.length > 0) return false;
  return (
    compareSemVer(version, requirement) >= 0 &&
    version.major === requirement.major &&
    version.minor === requirement.minor
  );
}
