import type { Extension } from "@nerves-hub-ts/ports";
import { describe, expect, it } from "vitest";
import { MemoryExtension } from "./doubles/memory-extension.js";
import { RecordingClient } from "./doubles/recording-client.js";
import { harness, settle, startJoined } from "./test-support/harness.js";

describe("DeviceLink: extensions", () => {
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
    expect(conn?.joins[1]).toEqual({ topic: "extensions", params: { health: "0.0.1" } });
    expect(conn?.pushesOn("extensions").map((p) => p.event)).toEqual(["health:attached", "geo:error"]);
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

  it("offers and acknowledges only extensions with a handler; configured names without one are refused", async () => {
    const health = new MemoryExtension("health");
    const h = harness({ extensions: [health], config: { extensions: { health: "0.0.2", geo: "0.0.1" } } });
    h.transport.joinReply = (topic) =>
      topic === "extensions" ? { status: "ok", response: ["geo", "health"] } : { status: "ok", response: {} };
    await startJoined(h);
    expect(h.logger.find("configured extensions have no handler")[0]?.fields).toEqual({ unhandled: ["geo"] });
    const conn = h.transport.current;
    conn?.serverPush("device", "extensions:get", {});
    await settle();
    expect(conn?.joins[1]?.params).toEqual({ health: "0.0.2" });
    conn?.serverPush("extensions", "attach", { extensions: ["geo"] });
    expect(conn?.pushesOn("extensions").map((p) => [p.event, p.payload])).toEqual([
      ["geo:error", { reason: "unknown_extension" }],
      ["health:attached", {}],
      ["geo:error", { reason: "unknown_extension" }],
    ]);
    expect(health.attachments).toBe(1);
  });

  it("detaches an extension when the hub answers its attached push with detach, and only then", async () => {
    const geo = new MemoryExtension("geo");
    const h = harness({ extensions: [geo] });
    h.transport.joinReply = (topic) =>
      topic === "extensions" ? { status: "ok", response: ["geo"] } : { status: "ok", response: {} };
    await startJoined(h);
    const conn = h.transport.current;
    conn?.serverPush("device", "extensions:get", {});
    await settle();
    const [firstAttach] = conn?.pushesOn("extensions", "geo:attached") ?? [];
    // The hub's attach push is answered again; a reply to the older push no longer counts.
    conn?.serverPush("extensions", "attach", { extensions: ["geo"] });
    const [, latestAttach] = conn?.pushesOn("extensions", "geo:attached") ?? [];
    expect(firstAttach && conn?.replyToPush(firstAttach, { status: "error", response: "detach" })).toBe(true);
    expect(latestAttach && conn?.replyToPush(latestAttach, { status: "ok", response: {} })).toBe(true);
    expect(geo.detachments).toBe(0);
    expect(geo.push("location:update", {})).toBe(true);
    conn?.serverPush("extensions", "attach", { extensions: ["geo"] });
    const refused = conn?.pushesOn("extensions", "geo:attached").at(-1);
    expect(refused && conn?.replyToPush(refused, { status: "error", response: "detach" })).toBe(true);
    expect(geo.detachments).toBe(1);
    expect(geo.push("location:update", {})).toBe(false);
    expect(conn?.pushesOn("extensions").at(-1)).toMatchObject({ event: "geo:detached", payload: {} });
    expect(h.logger.find("the hub will not serve extension geo")).toHaveLength(1);
  });
});
