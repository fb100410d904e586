// hub-server.md §4.4-4.5: how ignored, rescheduled and failed statuses block deployment updates, the
// failure limits, and the re-offer once a block ends, all on the hub's (fake) clock.
import { describe, expect, it } from "vitest";
import { FIRMWARE_PARAMS } from "../test-support/fixtures.js";
import { ManualClock } from "../test-support/manual-clock.js";
import type { RawDevice } from "../test-support/phoenix-device.js";
import { rawDevice, rawJoin, settled } from "../test-support/raw-device.js";
import { useTestHub } from "../test-support/test-hub.js";

const clock = new ManualClock();
const env = useTestHub({ clock });
const whole = (ms: number) => Math.floor(ms / 1000) * 1000;

async function joined(identifier: string): Promise<RawDevice> {
  const d = await rawDevice(env.hub, identifier, clock.now());
  env.afterThisTest(() => d.ws.terminate());
  await rawJoin(d, "device", { ...FIRMWARE_PARAMS, device_api_version: "2.3.0" });
  return d;
}

async function firmware(version = "2.0.0") {
  return env.hub.addFirmware(new Uint8Array([1, 2, 3]), {
    version,
    product: "widget",
    platform: "rpi4",
    architecture: "arm",
  });
}

async function status(d: RawDevice, payload: object): Promise<void> {
  d.sendJson([null, "s", "device", "status_update", payload]);
  await settled(d);
}

const updates = (d: RawDevice) =>
  d.inbox.filter((f) => typeof f === "string" && JSON.parse(f)[3] === "update").length;

describe("rescheduled", () => {
  it("blocks a deployment update for delay_for milliseconds, then offers it again", async () => {
    const { hub } = env;
    const fw = await firmware();
    const d = await joined("resched-1");
    const { deploymentId } = hub.deploy(fw.uuid, { to: "resched-1", deploymentId: 7 });
    expect((await d.nextJson((f) => f[3] === "update"))[4]).toMatchObject({ deployment_id: 7 });
    const at = clock.now();
    await status(d, { status: "rescheduled", delay_for: 900_000 });

    const device = hub.device("resched-1");
    expect(device?.updatesBlockedUntil).toBe(whole(at) + 900_000);
    expect(device?.inFlight).toBeNull();
    expect(hub.deploy(fw.uuid, { to: "resched-1", deploymentId })).toMatchObject({ blocked: ["resched-1"] });

    clock.advance(whole(at) + 900_000 - clock.now() - 1);
    await settled(d);
    expect(updates(d)).toBe(0);
    clock.advance(1);
    expect((await d.nextJson((f) => f[3] === "update")).slice(0, 2)).toEqual([null, null]);
    expect(hub.device("resched-1")?.inFlight).toMatchObject({ firmwareUuid: fw.uuid, deploymentId: 7 });
  });

  it("does not block or retry a manual push", async () => {
    const fw = await firmware();
    const d = await joined("resched-manual");
    env.hub.deploy(fw.uuid, { to: "resched-manual", deploymentId: null });
    await d.nextJson((f) => f[3] === "update");
    await status(d, { status: "rescheduled", delay_for: 60_000 });
    expect(env.hub.device("resched-manual")?.updatesBlockedUntil).toBeNull();
    clock.advance(3_600_000);
    await settled(d);
    expect(updates(d)).toBe(0);
  });

  it("crashes the channel on a delay_for that is not integer milliseconds, as the server raises", async () => {
    const d = await joined("resched-bad");
    d.sendJson(["1", "2", "device", "status_update", { status: "rescheduled", delay_for: "15" }]);
    expect((await d.nextJson((f) => f[3] === "phx_error"))[4]).toEqual({ reason: "channel_crash" });
  });
});

describe("ignored and failed", () => {
  it.each(["ignored", "failed", "Update failed: encountered fwup error"])(
    "%s puts the device in the penalty box for the group's penalty timeout (1440 minutes)",
    async (reported) => {
      const fw = await firmware();
      const identifier = `penalty-${reported.length}`;
      const d = await joined(identifier);
      env.hub.deploy(fw.uuid, { to: identifier });
      await d.nextJson((f) => f[3] === "update");
      const at = clock.now();
      await status(d, { status: reported });
      expect(env.hub.device(identifier)?.updatesBlockedUntil).toBe(whole(at) + 1440 * 60_000);
      clock.advance(1440 * 60_000 - 1000);
      await settled(d);
      expect(updates(d)).toBe(0);
      clock.advance(1000);
      await d.nextJson((f) => f[3] === "update");
    },
  );
});

describe("failure limits", () => {
  it("boxes a device that answered three offers without completing instead of offering a fourth", async () => {
    const fw = await firmware();
    const d = await joined("threshold");
    for (let i = 0; i < 3; i++) {
      env.hub.deploy(fw.uuid, { to: "threshold", deploymentId: 3 });
      await d.nextJson((f) => f[3] === "update");
      await status(d, { status: "received" });
      clock.advance(200_000); // past the failure-rate window: only the threshold counts
    }
    expect(env.hub.device("threshold")?.updateAttempts).toHaveLength(3);
    const at = clock.now();
    expect(env.hub.deploy(fw.uuid, { to: "threshold", deploymentId: 3 })).toMatchObject({
      sentTo: [],
      blocked: ["threshold"],
    });
    expect(env.hub.device("threshold")).toMatchObject({
      updateAttempts: [],
      updatesBlockedUntil: whole(at) + 1440 * 60_000,
    });
  });

  it("boxes a device with five attempts within 180 seconds", async () => {
    const { hub } = env;
    const fw = await firmware();
    const d = await joined("rate");
    for (let i = 0; i < 5; i++) {
      hub.deploy(fw.uuid, { to: "rate", deploymentId: null }); // manual pushes still count attempts
      await d.nextJson((f) => f[3] === "update");
      await status(d, { status: "received" });
    }
    expect(hub.deploy(fw.uuid, { to: "rate", deploymentId: 4 }).blocked).toEqual(["rate"]);
  });

  it("clears attempts and the block when the device reports the new firmware", async () => {
    const { hub } = env;
    const fw = await firmware("3.0.0");
    const d = await joined("recovers");
    hub.deploy(fw.uuid, { to: "recovers" });
    await d.nextJson((f) => f[3] === "update");
    await status(d, { status: "ignored" });
    expect(hub.device("recovers")?.updatesBlockedUntil).not.toBeNull();
    d.sendJson(["5", "5", "device", "phx_join", { ...FIRMWARE_PARAMS, nerves_fw_uuid: fw.uuid }]);
    await d.nextJson((f) => f[1] === "5");
    expect(hub.device("recovers")).toMatchObject({ updateAttempts: [], updatesBlockedUntil: null });
    clock.advance(1440 * 60_000);
    await settled(d);
    expect(updates(d)).toBe(0);
  });
});
