import { StaticIdentity } from "@nerves-hub-ts/link/testing";
import { describe, expect, it } from "vitest";
import { initialFirmware } from "./firmware-facts.js";
import { SimulatedDevice } from "./simulated-device.js";
import { flush, memoryWorld, updateOffer } from "./test-support/memory-fleet.js";

function device(world = memoryWorld()) {
  const identity = new StaticIdentity(undefined, "shared-secret", "sim-00001");
  const d = new SimulatedDevice(0, identity, initialFirmware("1.0.0"), {
    ...world.env,
    observe: world.observe,
  });
  return { world, d };
}

const deviceJoin = (conn: { joins: { topic: string; params: unknown }[] }) =>
  conn.joins.find((j) => j.topic === "device")?.params as Record<string, unknown>;

describe("SimulatedDevice", () => {
  it("tells its fleet every heartbeat round trip the link reports", async () => {
    const { world, d } = device();
    d.start();
    await flush();
    world.transport.current?.heartbeatAnswered(4.5);
    expect(world.events.map((e) => e.event)).toContainEqual({ type: "heartbeat", rttMs: 4.5 });
  });

  it("joins with its firmware facts as nerves_fw_* join params", async () => {
    const { world, d } = device();
    d.start();
    await flush();
    expect(d.phase).toBe("joined");
    const params = deviceJoin(world.transport.connections[0] as never);
    expect(params).toMatchObject({
      nerves_fw_uuid: d.firmware.uuid,
      nerves_fw_version: "1.0.0",
      nerves_fw_product: "simulator",
      currently_downloading_uuid: null,
    });
    expect(world.events.map((e) => e.event.type)).toEqual(["joined"]);
  });

  it("installs an offer, reports completed, then reboots into the new firmware and rejoins with it", async () => {
    const { world, d } = device();
    d.start();
    await flush();
    const first = world.transport.current;
    first?.serverPush("device", "update", updateOffer("fw-2", "2.0.0"));
    await flush();
    expect(d.phase).toBe("updating");
    expect(world.strategy.jobs).toHaveLength(1);
    expect(deviceJoin(first as never)).toMatchObject({ nerves_fw_version: "1.0.0" });

    world.strategy.jobs[0]?.settle({ ok: true });
    await flush();

    const statuses = first
      ?.pushesOn("device", "status_update")
      .map((p) => (p.payload as { status: string }).status);
    expect(statuses).toEqual(["received", "completed"]);
    expect(first?.closedByClient).toBe(true);
    const second = world.transport.current;
    expect(second).not.toBe(first);
    expect(deviceJoin(second as never)).toMatchObject({ nerves_fw_uuid: "fw-2", nerves_fw_version: "2.0.0" });
    expect(d.phase).toBe("joined");
    expect(d.updatesCompleted).toBe(1);
    expect(world.events.map((e) => e.event.type)).toEqual([
      "joined",
      "update-offered",
      "installed",
      "rebooting",
      "joined",
      "updated",
    ]);
  });

  it("stays offline for the reboot delay", async () => {
    const { world, d } = device(memoryWorld({ rebootDelayMs: 2_000 }));
    d.start();
    await flush();
    world.transport.current?.serverPush("device", "update", updateOffer("fw-2", "2.0.0"));
    await flush();
    world.strategy.jobs[0]?.settle({ ok: true });
    await flush();
    expect(d.phase).toBe("rebooting");
    expect(world.transport.connections).toHaveLength(1);
    world.clock.advance(1_999);
    await flush();
    expect(world.transport.connections).toHaveLength(1);
    world.clock.advance(1);
    await flush();
    expect(world.transport.connections).toHaveLength(2);
    expect(d.phase).toBe("joined");
  });

  it("ignores an offer of the firmware it already runs", async () => {
    const { world, d } = device();
    d.start();
    await flush();
    world.transport.current?.serverPush("device", "update", updateOffer(d.firmware.uuid, "1.0.0"));
    await flush();
    expect(world.strategy.jobs).toHaveLength(0);
    const last = world.transport.current?.pushesOn("device", "status_update").at(-1);
    expect(last?.payload).toEqual({ status: "ignored", reason: "already running this firmware" });
  });

  it("keeps its firmware and stays joined when the install fails", async () => {
    const { world, d } = device();
    d.start();
    await flush();
    const before = d.firmware.uuid;
    world.transport.current?.serverPush("device", "update", updateOffer("fw-2", "2.0.0"));
    await flush();
    world.strategy.jobs[0]?.settle({ ok: false, failure: { kind: "fwup", message: "SHA-256 mismatch" } });
    await flush();
    expect(d.firmware.uuid).toBe(before);
    expect(d.phase).toBe("joined");
    expect(d.lastUpdateFailure).toBe('FWUP error : "SHA-256 mismatch"');
    expect(world.transport.connections).toHaveLength(1);
  });

  it("reports a dropped connection and comes back after the link's backoff", async () => {
    const { world, d } = device();
    d.start();
    await flush();
    world.transport.current?.drop();
    await flush();
    expect(d.phase).toBe("reconnecting");
    // SequenceRandom 0.5 with jitter 0.5: the first retry waits 1000 * 1.25 ms.
    world.clock.advance(1_249);
    await flush();
    expect(world.transport.connections).toHaveLength(1);
    world.clock.advance(1);
    await flush();
    expect(d.phase).toBe("joined");
    expect(world.events.map((e) => e.event.type)).toContain("dropped");
  });
});
