import { StaticIdentity } from "@nerves-hub-ts/link/testing";
import { describe, expect, it } from "vitest";
import { initialFirmware } from "../firmware-facts.js";
import { Fleet } from "../fleet.js";
import { flush, memoryWorld } from "../test-support/memory-fleet.js";
import { capture } from "../test-support/settings.js";
import { LiveView } from "./live-view.js";

async function joinedFleet(count: number): Promise<Fleet> {
  const world = memoryWorld();
  const fleet = new Fleet({
    count,
    rampPerSecond: 1_000,
    concurrency: 100,
    identities: async (id) => new StaticIdentity(undefined, "shared-secret", id),
    firmware: initialFirmware(),
    env: world.env,
  });
  const ramped = fleet.ramp();
  for (let i = 0; i < count + 2; i++) {
    world.clock.advance(10);
    await flush();
  }
  await ramped;
  return fleet;
}

describe("LiveView", () => {
  it("prints story lines and a final status line, without escape codes, in a pipe", async () => {
    const fleet = await joinedFleet(3);
    const out = capture();
    const view = new LiveView(fleet, out, { title: "demo" });
    view.note("sim-00001  update offered: 1.1.0");
    view.stop();
    const lines = out.text().trimEnd().split("\n");
    expect(lines[0]).toBe("sim-00001  update offered: 1.1.0");
    expect(lines[1]).toMatch(
      /^\[\d+\.\ds\] devices 3\/3 {2}connecting 0 {2}joined 3 {2}reconnecting 0 {2}updating 0/,
    );
    expect(out.text()).not.toContain("\x1b");
  });

  it("redraws a block with one progress bar per device on a terminal", async () => {
    const fleet = await joinedFleet(2);
    const [a] = fleet.devices;
    if (!a) throw new Error("no device");
    a.phase = "updating";
    a.progress = { stage: "downloading", percent: 50 };
    const out = capture();
    const view = new LiveView(fleet, out, { title: "rollout", tty: true });
    view.note("first");
    const firstDraw = out.text();
    expect(firstDraw.startsWith("first\n")).toBe(true);
    expect(firstDraw).toMatch(/\n {2}sim-00001 +updating +v1\.0\.0 +downloading \[#{12}\.{12}\] +50%\n/);
    expect(firstDraw).toMatch(/\n {2}sim-00002 +joined +v1\.0\.0\n/);
    view.note("second");
    // The 3-line block (title + 2 devices) is erased before the next line is printed.
    expect(out.text().slice(firstDraw.length).startsWith("\x1b[3A\x1b[0Jsecond\n")).toBe(true);
  });

  it("shows aggregate bars for a fleet too large for one line per device", async () => {
    const fleet = await joinedFleet(4);
    fleet.target = { uuid: "fw-2", version: "1.1.0" };
    const out = capture();
    new LiveView(fleet, out, { title: "rollout", tty: true, perDeviceLimit: 2 }).note("x");
    const text = out.text();
    expect(text).toContain("joined       [########################]      4/4");
    expect(text).toContain("updating     [........................]      0/4");
    expect(text).not.toContain("sim-00001");
    expect(text).toContain("done 0  failed 0");
  });
});
