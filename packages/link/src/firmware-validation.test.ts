import { AlarmId } from "@nerves-hub-ts/ports";
import { describe, expect, it } from "vitest";
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

  it("checkFirmwareValidated pushes firmware_validated at once, and the poll does not push it again", async () => {
    let validated = false;
    const h = harness({ client: { firmwareValidated: () => validated } });
    await startJoined(h);
    const conn = h.transport.current;
    await expect(h.link.checkFirmwareValidated()).resolves.toBe(false);
    expect(conn?.pushesOn("device", "firmware_validated")).toEqual([]);
    validated = true;
    await expect(h.link.checkFirmwareValidated()).resolves.toBe(true);
    expect(conn?.pushesOn("device", "firmware_validated")).toHaveLength(1);
    await h.link.checkFirmwareValidated();
    h.clock.advance(60_000);
    await settle();
    expect(conn?.pushesOn("device", "firmware_validated")).toHaveLength(1);
  });

  it("checkFirmwareValidated pushes nothing when the hub already knows the firmware is validated", async () => {
    const h = harness({ client: { firmwareValidated: () => true } });
    await startJoined(h);
    await expect(h.link.checkFirmwareValidated()).resolves.toBe(true);
    expect(h.transport.current?.pushesOn("device", "firmware_validated")).toEqual([]);
  });

  it("a firmware_validated that cannot go out now is pushed by the poll after the next join", async () => {
    let validated = false;
    const h = harness({ client: { firmwareValidated: () => validated } });
    await startJoined(h);
    const conn = h.transport.current;
    conn?.crashChannel("device");
    validated = true;
    await h.link.checkFirmwareValidated();
    expect(conn?.pushesOn("device", "firmware_validated")).toEqual([]);
    h.clock.advance(5_000); // rejoin, with the first join's params (validated: false)
    await settle();
    expect(h.link.state().status).toBe("joined");
    h.clock.advance(10_000);
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

  it("after a rejoin whose reused meta says not validated, firmware_validated is pushed again", async () => {
    let validated = false;
    const h = harness({ client: { firmwareValidated: () => validated } });
    await startJoined(h);
    const conn = h.transport.current;
    validated = true;
    await h.link.checkFirmwareValidated();
    expect(conn?.pushesOn("device", "firmware_validated")).toHaveLength(1);

    // The rejoin reuses the connect's params, so it tells the hub `firmware_validated: false` again
    // (hub-server.md §3.2 marks the firmware not validated); the hub must hear the push once more.
    conn?.crashChannel("device");
    h.clock.advance(5_000);
    await settle();
    expect(conn?.joins).toHaveLength(2);
    expect(conn?.joins[1]?.params).toMatchObject({ meta: { firmware_validated: false } });
    h.clock.advance(10_000);
    await settle();
    expect(conn?.pushesOn("device", "firmware_validated")).toHaveLength(2);
    h.clock.advance(60_000);
    await settle();
    expect(conn?.pushesOn("device", "firmware_validated")).toHaveLength(2);
  });
});
