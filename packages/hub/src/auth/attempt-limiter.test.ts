import { describe, expect, it } from "vitest";
import { AttemptLimiter } from "./attempt-limiter.js";

describe("AttemptLimiter", () => {
  it("allows a burst, then refills at the rate on the caller's clock, per id", () => {
    const limiter = new AttemptLimiter({ burst: 3, perSecond: 2 });
    const at = (ms: number) => limiter.tryTake("peer-a", ms);
    expect([at(0), at(0), at(0), at(0)]).toEqual([true, true, true, false]);
    expect(limiter.tryTake("peer-b", 0)).toBe(true);
    expect(at(400)).toBe(false);
    expect(at(500)).toBe(true);
    expect(at(500)).toBe(false);
    expect([at(10_000), at(10_000), at(10_000), at(10_000)]).toEqual([true, true, true, false]);
  });

  it("forgets the oldest id beyond maxIds, which then starts with a full burst", () => {
    const limiter = new AttemptLimiter({ burst: 1, perSecond: 0.001 }, 2);
    expect(limiter.tryTake("a", 0)).toBe(true);
    expect(limiter.tryTake("a", 0)).toBe(false);
    limiter.tryTake("b", 0);
    limiter.tryTake("c", 0);
    expect(limiter.tryTake("a", 0)).toBe(true);
  });

  it("refuses a limit that allows nothing", () => {
    expect(() => new AttemptLimiter({ burst: 0, perSecond: 1 })).toThrow(RangeError);
    expect(() => new AttemptLimiter({ burst: 1, perSecond: 0 })).toThrow(RangeError);
  });
});
