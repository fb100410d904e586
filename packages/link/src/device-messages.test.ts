import { describe, expect, it, vi } from "vitest";
import { ManualClock } from "./doubles/manual-clock.js";
import { MemoryUpdateHandler } from "./doubles/memory-update-handler.js";
import { harness, startJoined } from "./test-support/harness.js";
import { ScriptedStrategy } from "./updates/test-support/scripted-strategy.js";
import { UpdateController } from "./updates/update-controller.js";

const KEY = btoa("k".repeat(32));

const UPDATE = {
  firmware_url: "https://files.test/fw.fw",
  firmware_meta: { uuid: "u-2", version: "1.5.0" },
};

describe("DeviceLink: device topic messages", () => {
  it("on reboot pushes rebooting first, then calls client.reboot", async () => {
    let pushedBeforeReboot: string[] | undefined;
    const h = harness({
      client: {
        reboot: () => {
          pushedBeforeReboot = h.transport.current?.pushed.map((p) => p.event);
        },
      },
    });
    await startJoined(h);
    h.transport.current?.serverPush("device", "reboot", {});
    expect(pushedBeforeReboot).toEqual(["rebooting"]);
  });

  it("defaults reboot and identify to a log line", async () => {
    const h = harness();
    await startJoined(h);
    h.transport.current?.serverPush("device", "reboot", {});
    h.transport.current?.serverPush("device", "identify", {});
    expect(h.logger.find("reboot requested")).toHaveLength(1);
    expect(h.logger.find("identify requested")).toHaveLength(1);
  });

  it("calls client.identify and survives a throwing callback", async () => {
    const identify = vi.fn(() => {
      throw new Error("no LED");
    });
    const h = harness({ client: { identify } });
    await startJoined(h);
    h.transport.current?.serverPush("device", "identify", {});
    expect(identify).toHaveBeenCalledOnce();
    expect(h.logger.find("client identify failed")).toHaveLength(1);
    expect(h.link.state().status).toBe("joined");
  });

  it("routes update and fwup_public_keys to the UpdateHandler and gives it a device-topic Push", async () => {
    let handler: MemoryUpdateHandler | undefined;
    const h = harness({
      updates: (push) => {
        handler = new MemoryUpdateHandler(push, ["key-a"]);
        handler.downloadingUuid = "u-1";
        return handler;
      },
    });
    // Before the join the Push drops, like nerves_hub_link.
    expect(handler?.push({ topic: "device", event: "status_update", payload: { status: "received" } })).toBe(
      false,
    );
    await startJoined(h);
    const conn = h.transport.current;
    const params = conn?.joins[0]?.params as Record<string, unknown>;
    expect(params.currently_downloading_uuid).toBe("u-1");
    expect(params.fwup_public_keys).toBeUndefined();
    conn?.serverPush("device", "update", UPDATE);
    conn?.serverPush("device", "fwup_public_keys", { keys: ["k1", 7, "k2"] });
    expect(handler?.updates).toEqual([UPDATE]);
    expect(handler?.keySets).toEqual([["k1", "k2"]]);
    expect(handler?.push({ topic: "device", event: "status_update", payload: { status: "received" } })).toBe(
      true,
    );
    expect(conn?.pushesOn("device", "status_update")).toEqual([
      { topic: "device", event: "status_update", payload: { status: "received" } },
    ]);
  });

  it("reports an offer whose size no file can have as failed, with the size in the reason", async () => {
    const h = harness({
      updates: (push) =>
        new UpdateController({
          push,
          clock: new ManualClock(),
          strategy: new ScriptedStrategy(),
          publicKeys: [KEY],
        }),
    });
    await startJoined(h);
    const conn = h.transport.current;
    for (const size of [-1, 1.5, 2 ** 60]) conn?.serverPush("device", "update", { ...UPDATE, size });
    expect(conn?.pushesOn("device", "status_update").map((p) => p.payload)).toEqual([
      { status: "failed", reason: "Update failed : {:invalid_size, -1}" },
      { status: "failed", reason: "Update failed : {:invalid_size, 1.5}" },
      { status: "failed", reason: "Update failed : {:invalid_size, 1152921504606847000}" },
    ]);
  });

  it("logs and ignores an update when there is no UpdateHandler", async () => {
    const h = harness();
    await startJoined(h);
    h.transport.current?.serverPush("device", "update", UPDATE);
    expect(h.logger.find("no update handler")).toHaveLength(1);
  });

  it("logs malformed and unknown events once, stays joined and keeps working", async () => {
    const reboot = vi.fn();
    const h = harness({ client: { reboot } });
    await startJoined(h);
    const conn = h.transport.current;
    for (let i = 0; i < 5; i++) {
      conn?.serverPush("device", "update", { firmware_url: 42 });
      conn?.serverPush("device", "surprise", { x: i });
    }
    expect(h.logger.lines.filter((l) => l.level === "warn").map((l) => l.msg)).toEqual([
      "malformed update from the hub; ignored",
      "unknown event surprise on the device topic; ignored",
    ]);
    expect(h.link.state().status).toBe("joined");
    conn?.serverPush("device", "reboot", {});
    expect(reboot).toHaveBeenCalledOnce();
  });

  it("answers scripts/run at once since it runs no scripts", async () => {
    const h = harness();
    await startJoined(h);
    h.transport.current?.serverPush("device", "scripts/run", { ref: "r1", text: "IO.puts(1)" });
    expect(h.transport.current?.pushesOn("device", "scripts/run")[0]?.payload).toMatchObject({
      ref: "r1",
      result: "error",
    });
  });
});
