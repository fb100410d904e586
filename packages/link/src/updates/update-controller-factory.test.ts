import { AlarmId, type UpdateOffer } from "@nerves-hub-ts/ports";
import { describe, expect, it, vi } from "vitest";
import { FIRMWARE, harness, settle, startJoined } from "../test-support/harness.js";
import { ScriptedStrategy } from "./test-support/scripted-strategy.js";
import { updateController } from "./update-controller-factory.js";

const KEY = btoa("k".repeat(32));
const offer = (uuid: string): UpdateOffer => ({
  update_available: true,
  firmware_url: `https://files.test/${uuid}.fw`,
  firmware_meta: { uuid, version: "2.0.0" },
});

describe("updateController", () => {
  it("runs updates over the link's client, alarms and push, with the app's strategy, keys and reboot", async () => {
    const strategy = new ScriptedStrategy();
    const reboot = vi.fn();
    const updateAvailable = vi.fn(() => ({ action: "apply" as const }));
    const h = harness({
      client: { updateAvailable },
      updates: updateController({
        strategy,
        publicKeys: [KEY],
        runningFirmwareUuid: FIRMWARE.nerves_fw_uuid,
        reboot,
      }),
    });
    await startJoined(h);
    h.transport.current?.serverPush("device", "update", offer("fw-2"));
    await settle();

    expect(updateAvailable).toHaveBeenCalledOnce();
    expect(strategy.job.publicKeys).toEqual([KEY]);
    expect(h.alarms.isSet(AlarmId.updateInProgress)).toBe(true);
    strategy.finish({ ok: true });
    await settle();
    expect(h.alarms.isSet(AlarmId.updateInProgress)).toBe(false);
    expect(reboot).toHaveBeenCalledOnce();
    expect(h.transport.current?.pushesOn("device", "status_update").map((p) => p.payload)).toContainEqual({
      status: "completed",
    });
  });

  it("ignores an offer of the running firmware by default", async () => {
    const strategy = new ScriptedStrategy();
    const h = harness({
      updates: updateController({
        strategy,
        publicKeys: [KEY],
        runningFirmwareUuid: FIRMWARE.nerves_fw_uuid,
      }),
    });
    await startJoined(h);
    h.transport.current?.serverPush("device", "update", offer(FIRMWARE.nerves_fw_uuid));
    await settle();
    expect(strategy.jobs).toEqual([]);
    expect(h.link.updates?.status()).toBe("idle");
  });
});
