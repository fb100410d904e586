import { describe, expect, it, vi } from "vitest";
import { MemoryUpdateHandler } from "./doubles/memory-update-handler.js";
import { harness, nextAttempt, settle, startJoined } from "./test-support/harness.js";

describe("DeviceLink: device topic", () => {
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

  it("tells a rejoin which update is in progress now, not what the connect said", async () => {
    const updates = new MemoryUpdateHandler();
    const h = harness({ updates });
    await startJoined(h);
    const conn = h.transport.current;
    expect(conn?.joins[0]?.params).toMatchObject({ currently_downloading_uuid: null });
    updates.downloadingUuid = "3f1e0c7a-8a2b-5c4d-9e6f-0a1b2c3d4e5f";
    conn?.crashChannel("device");
    h.clock.advance(5_000);
    await settle();
    expect(conn?.joins[1]?.params).toEqual({
      ...(conn?.joins[0]?.params as object),
      currently_downloading_uuid: "3f1e0c7a-8a2b-5c4d-9e6f-0a1b2c3d4e5f",
    });
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

  it("keeps asking for keys on every connect when none were configured, even after the hub sent some", async () => {
    const h = harness({ updates: (push) => new MemoryUpdateHandler(push) });
    await startJoined(h);
    const first = h.transport.current;
    expect(first?.joins[0]?.params).toMatchObject({
      fwup_public_keys: "on_connect",
      archive_public_keys: "on_connect",
    });
    first?.serverPush("device", "fwup_public_keys", { keys: ["key-from-hub"] });
    expect(h.link.updates?.needsPublicKeys()).toBe(false);

    // nerves_hub_link builds the request at boot from the configuration, so a key the hub later
    // rotates or adds still reaches a device that reconnects.
    first?.drop();
    await nextAttempt(h);
    const second = h.transport.current;
    expect(second).not.toBe(first);
    expect(second?.joins[0]?.params).toMatchObject({
      fwup_public_keys: "on_connect",
      archive_public_keys: "on_connect",
    });
  });
});
