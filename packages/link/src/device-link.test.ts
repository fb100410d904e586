import { consoleTopic } from "@nerves-hub-ts/protocol";
import { describe, expect, it, vi } from "vitest";
import { MemoryExtension } from "./doubles/memory-extension.js";
import { MemoryUpdateHandler } from "./doubles/memory-update-handler.js";
import { RecordingClient } from "./doubles/recording-client.js";
import { AlarmId } from "./ports/alarms.js";
import type { Extension } from "./ports/extension.js";
import { MemoryNetworkProbe } from "./ports/network-probe.js";
import { FIRMWARE, harness, settle, startJoined } from "./test-support/harness.js";

const UPDATE = {
  firmware_url: "https://files.test/fw.fw",
  firmware_meta: { uuid: "u-2", version: "1.5.0" },
};

describe("DeviceLink: connect and join", () => {
  it("connects with the configured request and joins device with the full join params", async () => {
    const h = harness({ config: { serializer: "msgpack", socket: { headers: { "x-extra": "1" } } } });
    await startJoined(h);
    const [req] = h.transport.requests;
    expect(req).toMatchObject({
      url: "wss://hub.test/socket/websocket?vsn=3.0.0",
      serializer: "msgpack",
      headers: { "x-extra": "1" },
      heartbeatIntervalMs: 30_000,
      compress: true,
    });
    const conn = h.transport.current;
    expect(conn?.joins).toEqual([
      {
        topic: "device",
        params: {
          ...FIRMWARE,
          fwup_version: "1.13.2",
          device_api_version: "2.3.0",
          console_version: "2.0.0",
          fwup_public_keys: "on_connect",
          archive_public_keys: "on_connect",
          currently_downloading_uuid: null,
          meta: { firmware_auto_revert_detected: false, firmware_validated: true },
        },
      },
    ]);
    expect(h.link.state()).toMatchObject({ status: "joined", attempts: 0, topics: { device: true } });
    expect(h.alarms.isSet(AlarmId.disconnected)).toBe(false);
  });

  it("sets the Disconnected alarm at start and clears it on connect", async () => {
    const h = harness();
    h.transport.script({ hang: true });
    h.link.start();
    await settle();
    expect(h.alarms.active.get(AlarmId.disconnected)).toBe("[]");
    expect(h.link.state().status).toBe("connecting");
  });

  it("does nothing at all with connect: false", async () => {
    const h = harness({ config: { connect: false } });
    await startJoined(h);
    expect(h.transport.requests).toHaveLength(0);
    expect(h.clock.pending()).toEqual([]);
    expect(h.link.state().status).toBe("idle");
    expect(h.link.push(consoleTopic.up("x"))).toBe(false);
  });

  it("stop closes the connection, cancels timers and stops the update handler", async () => {
    const updates = new MemoryUpdateHandler();
    const h = harness({ updates });
    await startJoined(h);
    await h.link.stop();
    expect(h.transport.current?.closedByClient).toBe(true);
    expect(h.link.state().status).toBe("stopped");
    expect(h.clock.pending()).toEqual([]);
    expect(updates.stopped).toBe(true);
  });
});

describe("DeviceLink: device topic", () => {
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

  it("reports the network interface after each join, retrying every 60 s until it is known", async () => {
    const probe = new MemoryNetworkProbe([true], {});
    const h = harness({ probe });
    h.transport.script({ accept: true, localAddress: "10.0.0.7" });
    await startJoined(h);
    const conn = h.transport.current;
    expect(conn?.pushesOn("device", "report_network_interface")).toEqual([]);
    probe.interfaces["10.0.0.7"] = "wlan0";
    h.clock.advance(60_000);
    await settle();
    expect(conn?.pushesOn("device", "report_network_interface").map((p) => p.payload)).toEqual([
      { interface: "wlan0" },
    ]);
    conn?.crashChannel("device");
    h.clock.advance(5_000);
    await settle();
    expect(conn?.pushesOn("device", "report_network_interface")).toHaveLength(2);
  });

  it("rejoins a crashed device channel after rejoinAfterMs with the same params", async () => {
    const handleError = vi.fn();
    const h = harness({ client: { handleError } });
    await startJoined(h);
    const conn = h.transport.current;
    conn?.crashChannel("device");
    expect(h.link.state()).toMatchObject({ status: "connected", topics: { device: false } });
    expect(handleError).toHaveBeenCalledOnce();
    h.clock.advance(4_999);
    await settle();
    expect(conn?.joins).toHaveLength(1);
    h.clock.advance(1);
    await settle();
    expect(conn?.joins).toHaveLength(2);
    expect(conn?.joins[1]?.params).toEqual(conn?.joins[0]?.params);
    expect(h.link.state().status).toBe("joined");
  });

  it("retries a refused join on the rejoin schedule and does not rejoin after the hub leaves", async () => {
    const h = harness({ config: { rejoinAfterMs: [1000, 3000] } });
    h.transport.joinReply = () => ({ status: "error", response: { reason: "join crashed" } });
    await startJoined(h);
    const conn = h.transport.current;
    expect(h.link.state().lastError?.kind).toBe("join");
    h.clock.advance(1000);
    await settle();
    expect(conn?.joins).toHaveLength(2);
    h.transport.joinReply = () => ({ status: "ok", response: {} });
    h.clock.advance(3000);
    await settle();
    expect(conn?.joins).toHaveLength(3);
    expect(h.link.state().status).toBe("joined");
    conn?.closeChannel("device");
    h.clock.advance(60_000);
    await settle();
    expect(conn?.joins).toHaveLength(3);
  });

  it("drops pushes while the device topic is not joined", async () => {
    const h = harness();
    h.transport.joinReply = () => "pending";
    await startJoined(h);
    expect(h.link.push({ topic: "device", event: "rebooting", payload: {} })).toBe(false);
    h.transport.current?.replyToJoin("device", { status: "ok" });
    await settle();
    expect(h.link.push({ topic: "device", event: "rebooting", payload: {} })).toBe(true);
  });
});

describe("DeviceLink: console and extensions", () => {
  it("joins console when remoteConsole is on and exposes its messages as events", async () => {
    const h = harness({ config: { remoteConsole: true } });
    await startJoined(h);
    const conn = h.transport.current;
    expect(conn?.joins.map((j) => j.topic)).toEqual(["device", "console"]);
    expect(conn?.joins[1]?.params).toEqual({ console_version: "2.0.0", device_api_version: "2.3.0" });
    conn?.serverPush("console", "dn", { data: "ls\r" });
    expect(h.events).toContainEqual({
      type: "message",
      topic: "console",
      event: "dn",
      payload: { data: "ls\r" },
    });
    expect(h.link.push(consoleTopic.up("hello"))).toBe(true);
    expect(conn?.pushesOn("console", "up")).toEqual([
      { topic: "console", event: "up", payload: { data: "hello" } },
    ]);
  });

  it("does not join console by default", async () => {
    const h = harness();
    await startJoined(h);
    expect(h.transport.current?.joins.map((j) => j.topic)).toEqual(["device"]);
  });

  it("joins extensions on extensions:get, attaches what the hub accepts and routes its events", async () => {
    const calls: string[] = [];
    let extPush: ((event: string, payload: unknown) => boolean) | undefined;
    const health: Extension = {
      name: "health",
      version: "0.0.1",
      attached: (push) => {
        extPush = push;
        calls.push("attached");
      },
      handle: (event, payload) => calls.push(`handle ${event} ${JSON.stringify(payload)}`),
      detached: () => calls.push("detached"),
    };
    const h = harness({ extensions: [health], config: { extensions: { geo: "0.0.1" } } });
    h.transport.joinReply = (topic) =>
      topic === "extensions" ? { status: "ok", response: ["health", "geo"] } : { status: "ok", response: {} };
    await startJoined(h);
    const conn = h.transport.current;
    conn?.serverPush("device", "extensions:get", {});
    await settle();
    expect(conn?.joins[1]).toEqual({ topic: "extensions", params: { geo: "0.0.1", health: "0.0.1" } });
    expect(conn?.pushesOn("extensions").map((p) => p.event)).toEqual(["health:attached", "geo:attached"]);
    conn?.serverPush("extensions", "health:check", {});
    conn?.serverPush("extensions", "logging:whatever", {});
    expect(extPush?.("report", { value: null })).toBe(true);
    expect(conn?.pushesOn("extensions", "health:report")).toHaveLength(1);
    conn?.serverPush("extensions", "detach", { extensions: ["health"] });
    expect(extPush?.("report", { value: null })).toBe(false);
    expect(calls).toEqual(["attached", "handle check {}", "detached"]);
    expect(conn?.pushesOn("extensions").map((p) => p.event)).toContain("health:detached");
    expect(h.logger.find("extension event for no attached extension")).toHaveLength(1);
  });

  it("detaches extensions when the connection drops and attaches them again after the next get", async () => {
    const geo = new MemoryExtension("geo");
    const client = new RecordingClient();
    const h = harness({ extensions: [geo], client });
    h.transport.joinReply = (topic) =>
      topic === "extensions" ? { status: "ok", response: ["geo"] } : { status: "ok", response: {} };
    await startJoined(h);
    h.transport.current?.serverPush("device", "extensions:get", {});
    await settle();
    expect(geo.push("location:update", { latitude: 1, longitude: 2 })).toBe(true);
    h.transport.current?.drop();
    expect(geo.detachments).toBe(1);
    expect(geo.push("location:update", {})).toBe(false);
    h.clock.runNext();
    await settle();
    h.transport.current?.serverPush("device", "extensions:get", {});
    await settle();
    expect(geo.attachments).toBe(2);
    expect(client.calls).toEqual(["connected", "handleError", "connected"]);
  });
});
