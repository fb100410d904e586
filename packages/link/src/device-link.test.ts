import { AlarmId } from "@nerves-hub-ts/ports";
import { consoleTopic } from "@nerves-hub-ts/protocol";
import { describe, expect, it } from "vitest";
import { MemoryUpdateHandler } from "./doubles/memory-update-handler.js";
import { FIRMWARE, harness, settle, startJoined } from "./test-support/harness.js";

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

describe("DeviceLink: graceful stop", () => {
  it("leaves every joined topic before it closes the connection", async () => {
    const h = harness({ config: { remoteConsole: true } });
    await startJoined(h);
    const conn = h.transport.current;
    conn?.serverPush("device", "extensions:get", {});
    await settle();
    expect(h.link.state().topics).toEqual({ device: true, console: true, extensions: true });
    await h.link.stop();
    expect(conn?.leaves).toEqual(["device", "console", "extensions"]);
    expect(conn?.closedByClient).toBe(true);
    expect(h.link.state()).toMatchObject({
      status: "stopped",
      topics: { device: false, console: false, extensions: false },
    });
    expect(h.clock.pending()).toEqual([]);
  });

  it("closes as soon as the hub acknowledges the leave", async () => {
    const h = harness();
    h.transport.leaveReply = () => "pending";
    await startJoined(h);
    const conn = h.transport.current;
    let stopped = false;
    void h.link.stop().then(() => (stopped = true));
    await settle();
    expect(conn?.leaves).toEqual(["device"]);
    expect(conn?.closedByClient).toBe(false);
    conn?.ackLeave("device");
    await settle();
    expect(conn?.closedByClient).toBe(true);
    expect(stopped).toBe(true);
  });

  it("waits at most 1 s (on the Clock) for an acknowledgement, then closes anyway", async () => {
    const h = harness();
    h.transport.leaveReply = () => "pending";
    await startJoined(h);
    const conn = h.transport.current;
    let stopped = false;
    void h.link.stop().then(() => (stopped = true));
    await settle();
    h.clock.advance(999);
    await settle();
    expect(conn?.closedByClient).toBe(false);
    expect(stopped).toBe(false);
    h.clock.advance(1);
    await settle();
    expect(conn?.closedByClient).toBe(true);
    expect(stopped).toBe(true);
    expect(h.link.state().status).toBe("stopped");
  });

  it("neither a drop nor reconnect() while leaving starts another connection", async () => {
    const h = harness();
    h.transport.leaveReply = () => "pending";
    await startJoined(h);
    const conn = h.transport.current;
    const stopping = h.link.stop();
    await settle();
    h.link.reconnect();
    conn?.drop();
    await stopping;
    h.clock.advance(120_000);
    await settle();
    expect(h.transport.connections).toHaveLength(1);
    expect(h.link.state()).toMatchObject({ status: "stopped", attempts: 0 });
    expect(h.events.filter((e) => e.type === "error")).toEqual([]);
  });

  it("stops at once while backing off: nothing to leave", async () => {
    const h = harness();
    h.transport.refuse("tcp");
    await startJoined(h);
    expect(h.link.state().status).toBe("backing-off");
    await h.link.stop();
    expect(h.transport.connections).toHaveLength(0);
    expect(h.link.state().status).toBe("stopped");
    expect(h.clock.pending()).toEqual([]);
  });
});
