import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareSemVer, formatSemVer, matchesPessimistic, parseSemVer } from "./semver.js";

const v = (s: string) => {
  const p = parseSemVer(s);
  if (!p) throw new Error(`not semver: ${s}`);
  return p;
};

describe("semver", () => {
  it("parses full versions and rejects partial or padded ones", () => {
    expect(parseSemVer("1.2.3-rc.1+build.5")).toEqual({
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: ["rc", "1"],
      build: ["build", "5"],
    });
    for (const bad of ["1.2", "01.2.3", "1.2.3.4", "v1.2.3", "", "1.2.x", null, 7]) {
      expect(parseSemVer(bad), String(bad)).toBeUndefined();
    }
  });

  it("orders by SemVer precedence", () => {
    const ordered = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "1.0.1",
      "1.10.0",
      "2.0.0",
    ];
    for (let i = 1; i < ordered.length; i++) {
      expect(compareSemVer(v(ordered[i - 1] as string), v(ordered[i] as string))).toBe(-1);
      expect(compareSemVer(v(ordered[i] as string), v(ordered[i - 1] as string))).toBe(1);
    }
    expect(compareSemVer(v("1.0.0+a"), v("1.0.0+b"))).toBe(0);
  });

  it("implements ~> like Elixir", () => {
    expect(matchesPessimistic(v("2.0.5"), v("2.0.0"))).toBe(true);
    expect(matchesPessimistic(v("2.1.0"), v("2.0.0"))).toBe(false);
    expect(matchesPessimistic(v("3.0.0"), v("3.0.0"))).toBe(true);
  });

  it("round-trips any version through format and parse", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (a, b, c) => {
        const text = `${a}.${b}.${c}`;
        expect(formatSemVer(v(text))).toBe(text);
      }),
    );
  });
});
