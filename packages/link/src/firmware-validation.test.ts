import { describe, expect, it } from "vitest";
import { AlarmId } from "./ports/alarms.js";
import { harness, settle, startJoined } from "./test-support/harness.js";

describe("DeviceLink: firmware validation", () => {
  it("reports an unvalidated firmware in the join and pushes firmware_validated once it is", async () => {
    let validated = false;
    const h = harness({ client: { firmwareValidated: () => validated } });
    await startJoined(h);
    const conn = h.transport.current;
    expect((conn?.joins[0]?.params as { meta?: unknown } | undefined)?.meta).toEqual({
      firmware_auto_revert_detected: false,
      firmware_validated: false,
    });
    h.clock.advance(10_000);
    await settle();
    expect(conn?.pushesOn("device", "firmware_validated")).toEqual([]);
    validated = true;
    h.clock.advance(9_999);
    await settle();
    expect(conn?.pushesOn("device", "firmware_validated")).toEqual([]);
    h.clock.advance(1);
    await settle();
    expect(conn?.pushesOn("device", "firmware_validated")).toHaveLength(1);
    h.clock.advance(60_000);
    await settle();
    expect(conn?.pushesOn("device", "firmware_validated")).toHaveLength(1);
  });

  it("reports auto-revert in the join meta and with the FirmwareReverted alarm", async () => {
    const h = harness({ client: { firmwareAutoRevertDetected: async () => true } });
    await startJoined(h);
    expect((h.transport.current?.joins[0]?.params as { meta?: unknown } | undefined)?.meta).toEqual({
      firmware_auto_revert_detected: true,
      firmware_validated: true,
    });
    expect(h.alarms.isSet(AlarmId.firmwareReverted)).toBe(true);
  });
});
