import { describe, expect, it } from "vitest";
import {
  MAX_KEPT_COMPLETED_UPDATES,
  MAX_KEPT_VIOLATIONS,
  MAX_VIOLATION_TEXT,
  newDeviceRecord,
  recordCompletedUpdate,
  recordViolation,
} from "./device-record.js";

describe("recordCompletedUpdate", () => {
  it("keeps the latest updates only, and counts them all", () => {
    const d = newDeviceRecord("dev-1", "product_key");
    const total = MAX_KEPT_COMPLETED_UPDATES + 25;
    for (let i = 0; i < total; i++)
      recordCompletedUpdate(d, { at: i, fromUuid: `fw-${i}`, toUuid: `fw-${i + 1}` });
    expect(d.completedUpdateCount).toBe(total);
    expect(d.completedUpdates).toHaveLength(MAX_KEPT_COMPLETED_UPDATES);
    expect(d.completedUpdates[0]?.at).toBe(25);
    expect(d.completedUpdates.at(-1)).toEqual({
      at: total - 1,
      fromUuid: `fw-${total - 1}`,
      toUuid: `fw-${total}`,
    });
  });
});

describe("recordViolation", () => {
  it("keeps a prefix and the length of each text, the latest records only, and counts them all", () => {
    const d = newDeviceRecord("dev-1", "product_key");
    const topic = "t".repeat(1_000_000);
    const total = MAX_KEPT_VIOLATIONS + 5;
    for (let i = 0; i < total; i++) recordViolation(d, { at: i, topic, event: "phx_join", reason: `r${i}` });
    expect(d.violationCount).toBe(total);
    expect(d.violations).toHaveLength(MAX_KEPT_VIOLATIONS);
    expect(d.violations[0]).toEqual({
      at: 5,
      topic: "t".repeat(MAX_VIOLATION_TEXT),
      topicLength: 1_000_000,
      event: "phx_join",
      eventLength: 8,
      reason: "r5",
      reasonLength: 2,
    });
  });

  it("clips the event and the reason too", () => {
    const d = newDeviceRecord("dev-1", "product_key");
    const v = recordViolation(d, { at: 0, topic: "", event: "e".repeat(5000), reason: "r".repeat(5000) });
    expect([v.event.length, v.eventLength, v.reason.length, v.reasonLength]).toEqual([
      MAX_VIOLATION_TEXT,
      5000,
      MAX_VIOLATION_TEXT,
      5000,
    ]);
  });
});
