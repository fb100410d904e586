import { describe, expect, it } from "vitest";
import { backoffSteps, exponentialBackoff, listBackoff } from "./backoff.js";
import { SequenceRandom } from "./doubles/manual-clock.js";

const defaults = { minMs: 1000, maxMs: 60_000, jitter: 0.5, stableAfterMs: 30_000 };

describe("backoff", () => {
  it("doubles from 1 s and caps at 60 s, as nerves_hub_link's delay list", () => {
    expect(backoffSteps(1000, 60_000)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000]);
  });

  it("without jitter draws the steps, the last one repeating", () => {
    const b = exponentialBackoff(defaults, new SequenceRandom([0]));
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => b.delayMs(n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it("inflates each delay by jitter * a fresh random draw, rounded", () => {
    const b = exponentialBackoff(defaults, new SequenceRandom([0.5, 0.999, 0.1234]));
    expect(b.delayMs(1)).toBe(1250);
    expect(b.delayMs(1)).toBe(1500); // 1000 * 1.4995
    expect(b.delayMs(7)).toBe(63_702); // 60000 * 1.0617
  });

  it("uses a fixed list as is", () => {
    const b = listBackoff([10, 20]);
    expect([1, 2, 3].map((n) => b.delayMs(n))).toEqual([10, 20, 20]);
  });
});
