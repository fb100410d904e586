import { StaticIdentity } from "@nerves-hub-ts/link/testing";
import { describe, expect, it } from "vitest";
import { initialFirmware } from "./firmware-facts.js";
import { Fleet } from "./fleet.js";
import type { IdentitySource } from "./identities.js";
import { flush, memoryWorld, updateOffer } from "./test-support/memory-fleet.js";

const identities: IdentitySource = async (identifier) =>
  new StaticIdentity(undefined, "shared-secret", identifier);

function fleet(count: number, rampPerSecond: number, concurrency: number, world = memoryWorld()) {
  const f = new Fleet({
    count,
    rampPerSecond,
    concurrency,
    identities,
    firmware: initialFirmware(),
    env: world.env,
  });
  return { world, f };
}

describe("Fleet", () => {
  it("starts devices at the ramp rate", async () => {
    const { world, f } = fleet(5, 10, 100);
    const ramped = f.ramp();
    await flush();
    expect(f.devices).toHaveLength(1);
    const advance = async (ms: number) => {
      for (let t = 0; t < ms; t += 10) {
        world.clock.advance(10);
        await flush();
      }
    };
    await advance(100);
    expect(f.devices).toHaveLength(2);
    await advance(150);
    expect(f.devices).toHaveLength(3);
    await advance(160);
    await ramped;
    expect(f.devices.map((d) => d.identifier)).toEqual([
      "sim-00001",
      "sim-00002",
      "sim-00003",
      "sim-00004",
      "sim-00005",
    ]);
    const report = f.rampReport();
    expect(report.joined).toBe(5);
    expect(report.durationMs).toBe(400);
    expect(report.joinRate).toBe(12.5);
  });

  it("keeps at most `concurrency` first connects in flight", async () => {
    const world = memoryWorld();
    world.transport.joinReply = (topic) => (topic === "device" ? "pending" : { status: "ok" });
    const { f } = fleet(5, 1_000, 2, world);
    const ramped = f.ramp();
    for (let i = 0; i < 10; i++) {
      world.clock.advance(100);
      await flush();
    }
    expect(f.devices).toHaveLength(2);
    expect(f.counts()).toMatchObject({ started: 2, connecting: 2, joined: 0 });
    world.transport.connections[0]?.replyToJoin("device", { status: "ok" });
    await flush();
    world.clock.advance(10);
    await flush();
    expect(f.devices).toHaveLength(3);
    for (const conn of world.transport.connections.slice(1)) conn.replyToJoin("device", { status: "ok" });
    for (let i = 0; i < 5; i++) {
      world.clock.advance(10);
      await flush();
      for (const conn of world.transport.connections) {
        if (conn.joins.length > 0 && !conn.isJoined("device")) conn.replyToJoin("device", { status: "ok" });
      }
    }
    await ramped;
    expect(f.counts()).toMatchObject({ started: 5, joined: 5, connecting: 0 });
  });

  it("counts devices done and failed against the rollout target", async () => {
    const { world, f } = fleet(3, 1_000, 10);
    const ramped = f.ramp();
    for (let i = 0; i < 5; i++) {
      world.clock.advance(10);
      await flush();
    }
    await ramped;
    f.target = { uuid: "fw-2", version: "2.0.0" };
    for (const conn of world.transport.connections)
      conn.serverPush("device", "update", updateOffer("fw-2", "2.0.0"));
    await flush();
    expect(f.counts()).toMatchObject({ updating: 3, done: 0, failed: 0 });
    const [a, b] = world.strategy.jobs;
    a?.settle({ ok: true });
    b?.settle({ ok: false, failure: { kind: "download", term: ["http_error", 404] } });
    await flush();
    expect(f.counts()).toMatchObject({ joined: 2, updating: 1, done: 1, failed: 1 });
  });

  it("refuses settings that cannot run", () => {
    const world = memoryWorld();
    const base = { identities, firmware: initialFirmware(), env: world.env };
    expect(() => new Fleet({ ...base, count: 0, rampPerSecond: 1, concurrency: 1 })).toThrow(/count/);
    expect(() => new Fleet({ ...base, count: 1, rampPerSecond: 0, concurrency: 1 })).toThrow(/rampPerSecond/);
    expect(() => new Fleet({ ...base, count: 1, rampPerSecond: 1, concurrency: 0 })).toThrow(/concurrency/);
  });
});
