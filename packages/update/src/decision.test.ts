import { describe, expect, it } from "vitest";
import { checkDecision, defaultDecision, type Offer } from "./decision.js";

const offer = (uuid?: string): Offer => ({
  firmware_url: "http://hub/fw.fw",
  firmware_meta: uuid === undefined ? {} : { uuid },
});

describe("checkDecision", () => {
  it("accepts the three well-formed decisions", () => {
    expect(checkDecision({ action: "apply" })).toEqual({ ok: true, decision: { action: "apply" } });
    expect(checkDecision({ action: "ignore" })).toEqual({ ok: true, decision: { action: "ignore" } });
    expect(checkDecision({ action: "ignore", reason: "busy" })).toEqual({
      ok: true,
      decision: { action: "ignore", reason: "busy" },
    });
    expect(checkDecision({ action: "reschedule", delayMs: 900_000, reason: "night" })).toEqual({
      ok: true,
      decision: { action: "reschedule", delayMs: 900_000, reason: "night" },
    });
  });

  it("rounds the delay to whole milliseconds", () => {
    expect(checkDecision({ action: "reschedule", delayMs: 1500.6 })).toEqual({
      ok: true,
      decision: { action: "reschedule", delayMs: 1501 },
    });
  });

  it.each([
    [undefined, "not an object"],
    [null, "not an object"],
    ["apply", "not an object"],
    [[], "not an object"],
    [{}, "unknown action"],
    [{ action: "install" }, "unknown action"],
    [{ action: "ignore", reason: 5 }, "reason must be a string"],
    [{ action: "reschedule" }, "positive"],
    [{ action: "reschedule", delayMs: 0 }, "positive"],
    [{ action: "reschedule", delayMs: -5 }, "positive"],
    [{ action: "reschedule", delayMs: 0.4 }, "positive"],
    [{ action: "reschedule", delayMs: Number.NaN }, "positive"],
    [{ action: "reschedule", delayMs: Number.POSITIVE_INFINITY }, "positive"],
    [{ action: "reschedule", delayMs: "60000" }, "positive"],
    [{ action: "reschedule", delayMs: 2 ** 60 }, "too large"],
  ])("refuses %j", (value, problem) => {
    const r = checkDecision(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toContain(problem);
  });
});

describe("defaultDecision", () => {
  it("ignores the firmware that is already running", () => {
    expect(defaultDecision(offer("abc"), "abc")).toEqual({ action: "ignore" });
  });
  it("applies other firmware, or firmware without a uuid", () => {
    expect(defaultDecision(offer("new"), "abc")).toEqual({ action: "apply" });
    expect(defaultDecision(offer(), "abc")).toEqual({ action: "apply" });
    expect(defaultDecision(offer("new"), null)).toEqual({ action: "apply" });
  });
});
