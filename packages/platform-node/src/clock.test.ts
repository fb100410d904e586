import { describe, expect, it } from "vitest";
import { nodeClock, nodeRandom } from "./clock.js";

describe("nodeClock and nodeRandom", () => {
  it("draws random numbers in [0, 1) and runs and cancels timers", async () => {
    const draws = Array.from({ length: 1000 }, () => nodeRandom.next());
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(990);
    const fired: string[] = [];
    nodeClock.setTimeout(() => fired.push("a"), 5);
    nodeClock.setTimeout(() => fired.push("b"), 5).cancel();
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toEqual(["a"]);
    expect(Math.abs(nodeClock.now() - Date.now())).toBeLessThan(5);
  });
});
