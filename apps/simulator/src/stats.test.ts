import { describe, expect, it } from "vitest";
import { percentile, Reservoir } from "./stats.js";

describe("percentile", () => {
  it("takes the nearest rank", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("Reservoir", () => {
  it("keeps at most its capacity while counting everything it saw", () => {
    let i = 0;
    const r = new Reservoir(10, () => (i++ % 10) / 10);
    for (let v = 0; v < 1000; v++) r.add(v);
    expect(r.samples).toHaveLength(10);
    expect(r.seen).toBe(1000);
    r.clear();
    expect(r.samples).toHaveLength(0);
    expect(r.seen).toBe(0);
  });
});
