import { describe, expect, it } from "vitest";
import { MAX_KEPT_COMPLETED_UPDATES, newDeviceRecord, recordCompletedUpdate } from "./device-record.js";

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
