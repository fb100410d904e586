import { describe, expect, it } from "vitest";
import { MAX_TIMER_DELAY_MS, timerDelayMs } from "./timer-delay.js";

describe("timerDelayMs", () => {
  it("keeps delays a timer honours", () => {
    expect(timerDelayMs(0)).toBe(0);
    expect(timerDelayMs(1500)).toBe(1500);
    expect(timerDelayMs(MAX_TIMER_DELAY_MS)).toBe(2_147_483_647);
  });

  it("clamps longer, negative and NaN delays instead of letting them fire at once", () => {
    expect(timerDelayMs(MAX_TIMER_DELAY_MS + 1)).toBe(MAX_TIMER_DELAY_MS);
    expect(timerDelayMs(Number.MAX_SAFE_INTEGER)).toBe(MAX_TIMER_DELAY_MS);
    expect(timerDelayMs(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_DELAY_MS);
    expect(timerDelayMs(-5)).toBe(0);
    expect(timerDelayMs(Number.NaN)).toBe(0);
  });
});
