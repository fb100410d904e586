import { describe, expect, it } from "vitest";
import { type ProgressThrottle, throttleProgress } from "./progress-throttle.js";

/** Feeds [percent, at] reports through the throttle and returns the values that were sent. */
function sent(stage: "downloading" | "updating", reports: [number, number][], start: ProgressThrottle = {}) {
  let t = start;
  const out: number[] = [];
  for (const [p, at] of reports) {
    const v = throttleProgress(t, stage, p, at);
    t = v.throttle;
    if (v.send) out.push(v.value);
  }
  return out;
}

describe("throttleProgress", () => {
  it("always sends the first report of a stage, whatever its value", () => {
    expect(sent("updating", [[37.4, 0]])).toEqual([37]);
  });

  it("needs both a higher rounded percent and 500 ms", () => {
    expect(
      sent("updating", [
        [0, 0],
        [5, 100], // too soon
        [5, 600], // ok
        [5, 2000], // not higher
        [5.4, 3000], // rounds to 5: not higher
        [4, 4000], // lower
        [6, 1100], // higher, 500 ms after the last report sent
      ]),
    ).toEqual([0, 5, 6]);
  });

  it("measures the interval from the last report sent, not the last seen", () => {
    expect(
      sent("updating", [
        [1, 0],
        [2, 300],
        [3, 499],
        [4, 500],
      ]),
    ).toEqual([1, 4]);
  });

  it("lets downloading 100 through at once, once", () => {
    expect(
      sent("downloading", [
        [99, 0],
        [100, 1],
        [100, 2000],
      ]),
    ).toEqual([99, 100]);
  });

  it("does not let updating 100 bypass the interval", () => {
    expect(
      sent("updating", [
        [99, 0],
        [100, 1],
      ]),
    ).toEqual([99]);
  });

  it("treats each stage's first report as a first report", () => {
    const t = throttleProgress({}, "downloading", 100, 0).throttle;
    expect(sent("updating", [[0, 1]], t)).toEqual([0]);
  });

  it("clamps and rounds what it reports", () => {
    expect(throttleProgress({}, "updating", 140, 0).value).toBe(100);
    expect(throttleProgress({}, "updating", -3, 0).value).toBe(0);
    expect(throttleProgress({}, "updating", Number.NaN, 0).value).toBe(0);
  });
});
