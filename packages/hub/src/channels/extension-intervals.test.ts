// hub-server.md §6: logging needs platform analytics; health:check repeats every 60 minutes
// (configurable), geo:location:request is sent once unless an interval is set. Fake hub clock.
import { describe, expect, it } from "vitest";
import { startHub } from "../hub.js";
import { startTestHub, type TestHubOptions } from "../test-kit/test-hub.js";
import { FIRMWARE_PARAMS } from "../test-support/fixtures.js";
import { ManualClock } from "../test-support/manual-clock.js";
import type { RawDevice } from "../test-support/phoenix-device.js";
import { rawDevice, rawJoin, settled } from "../test-support/raw-device.js";

const ALL = { health: "0.0.1", geo: "0.0.1", logging: "0.0.1" };

async function withDevice(options: TestHubOptions, body: (d: RawDevice, reply: unknown) => Promise<void>) {
  const { hub } = await startTestHub(options);
  const d = await rawDevice(hub, "ext", options.clock?.now());
  try {
    await rawJoin(d, "device", { ...FIRMWARE_PARAMS, device_api_version: "2.3.0" });
    d.sendJson(["2", "2", "extensions", "phx_join", ALL]);
    const reply = (await d.nextJson((f) => f[1] === "2"))[4];
    await body(d, reply);
  } finally {
    d.ws.terminate();
    await hub.close();
  }
}

const frames = (d: RawDevice, event: string): unknown[][] =>
  d.inbox
    .filter((f): f is string => typeof f === "string")
    .map((f) => JSON.parse(f) as unknown[])
    .filter((f) => f[3] === event);
const count = (d: RawDevice, event: string) => frames(d, event).length;

describe("logging", () => {
  it("is not offered by default, as a server without analytics", async () => {
    await withDevice({}, async (_d, reply) => {
      expect(reply).toEqual({ status: "ok", response: ["geo", "health"] });
    });
  });

  it("is offered when analytics are on", async () => {
    await withDevice({ analytics: true }, async (_d, reply) => {
      expect(reply).toEqual({ status: "ok", response: ["geo", "health", "logging"] });
    });
  });
});

describe("intervals", () => {
  it("asks for health on attach and every 60 minutes, geo once, until detached", async () => {
    const clock = new ManualClock();
    await withDevice({ clock }, async (d) => {
      d.sendJson(["2", "3", "extensions", "health:attached", {}]);
      d.sendJson(["2", "4", "extensions", "geo:attached", {}]);
      await settled(d);
      expect([count(d, "health:check"), count(d, "geo:location:request")]).toEqual([1, 1]);
      clock.advance(59 * 60_000);
      await settled(d);
      expect(count(d, "health:check")).toBe(1);
      clock.advance(60_000);
      await settled(d);
      expect(count(d, "health:check")).toBe(2);
      // A channel push: the extensions join_ref.
      expect(frames(d, "health:check").map((f) => f.slice(0, 2))).toEqual([
        ["2", null],
        ["2", null],
      ]);
      clock.advance(60 * 60_000);
      await settled(d);
      expect([count(d, "health:check"), count(d, "geo:location:request")]).toEqual([3, 1]);
      d.sendJson(["2", "5", "extensions", "health:detached", {}]);
      await settled(d);
      clock.advance(180 * 60_000);
      await settled(d);
      expect(count(d, "health:check")).toBe(3);
    });
  });

  it("repeats geo and health at the configured intervals", async () => {
    const clock = new ManualClock();
    await withDevice({ clock, healthIntervalMinutes: 5, geoIntervalMinutes: 30 }, async (d) => {
      d.sendJson(["2", "3", "extensions", "health:attached", {}]);
      d.sendJson(["2", "4", "extensions", "geo:attached", {}]);
      await settled(d);
      clock.advance(30 * 60_000);
      await settled(d);
      expect([count(d, "health:check"), count(d, "geo:location:request")]).toEqual([7, 2]);
    });
  });

  it("refuses a health interval that is not above 0", async () => {
    await expect(startHub({ healthIntervalMinutes: 0 })).rejects.toThrow(RangeError);
  });
});
