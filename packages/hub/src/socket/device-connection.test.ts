// Phoenix framing and abuse, with a raw ws device: the hub answers like the real server and stays up.
import { msgpackSerializer } from "@nerves-hub-ts/protocol";
import { describe, expect, it } from "vitest";
import { FIRMWARE_PARAMS, sharedSecretHeaders } from "../test-support/fixtures.js";
import { connectPhoenix, RawDevice, rawConnect } from "../test-support/phoenix-device.js";
import { useTestHub } from "../test-support/test-hub.js";

const env = useTestHub({ idleTimeoutMs: 300, maxFrameBytes: 64 * 1024 });

async function device(identifier: string, vsn = "2.0.0"): Promise<RawDevice> {
  const r = await rawConnect(`${env.hub.deviceUrl("/device-socket/websocket")}?vsn=${vsn}`, {
    headers: sharedSecretHeaders(identifier),
  });
  if (r.kind !== "open") throw new Error(`refused with ${r.status}`);
  const d = new RawDevice(r.ws);
  env.afterThisTest(() => d.ws.terminate());
  return d;
}

async function joined(identifier: string): Promise<RawDevice> {
  const d = await device(identifier);
  d.sendJson(["1", "1", "device", "phx_join", { ...FIRMWARE_PARAMS, device_api_version: "2.0.0" }]);
  expect(await d.nextJson((f) => f[3] === "phx_reply")).toEqual([
    "1",
    "1",
    "device",
    "phx_reply",
    { status: "ok", response: {} },
  ]);
  return d;
}

/** Proves the hub still serves: a fresh device connects, joins and gets its heartbeat answered. */
async function hubStillServes(): Promise<void> {
  const other = await joined(`bystander-${Math.random()}`);
  other.sendJson([null, "9", "phoenix", "heartbeat", {}]);
  expect(await other.nextJson((f) => f[1] === "9")).toEqual([
    null,
    "9",
    "phoenix",
    "phx_reply",
    { status: "ok", response: {} },
  ]);
}

describe("Phoenix semantics", () => {
  it("answers heartbeats on the phoenix topic", async () => {
    const d = await device("hb");
    d.sendJson([null, "5", "phoenix", "heartbeat", {}]);
    expect(await d.nextJson()).toEqual([null, "5", "phoenix", "phx_reply", { status: "ok", response: {} }]);
  });

  it("refuses joins of unknown topics and messages to unjoined topics with 'unmatched topic'", async () => {
    const d = await device("unmatched");
    d.sendJson(["1", "1", "lobby", "phx_join", {}]);
    expect(await d.nextJson()).toEqual([
      "1",
      "1",
      "lobby",
      "phx_reply",
      { status: "error", response: { reason: "unmatched topic" } },
    ]);
    d.sendJson(["2", "2", "device", "status_update", { status: "started" }]);
    expect(await d.nextJson()).toEqual([
      "2",
      "2",
      "device",
      "phx_reply",
      { status: "error", response: { reason: "unmatched topic" } },
    ]);
    expect(env.hub.device("unmatched")?.violations.map((v) => v.reason)).toHaveLength(2);
  });

  it("never replies to device pushes, known or unknown (null join_ref accepted)", async () => {
    const d = await joined("quiet");
    d.sendJson([null, "2", "device", "do_you_like_dem_apples", {}]);
    d.sendJson([null, "3", "device", "status_update", { status: "received" }]);
    d.sendJson([null, "4", "phoenix", "heartbeat", {}]);
    expect(await d.nextJson()).toEqual([null, "4", "phoenix", "phx_reply", { status: "ok", response: {} }]);
    expect(env.hub.device("quiet")?.lastStatus?.status).toBe("received");
  });

  it("closes the old channel on a duplicate join, and answers leave with ok then phx_close", async () => {
    const d = await joined("rejoin");
    d.sendJson(["3", "3", "device", "phx_join", FIRMWARE_PARAMS]);
    expect(await d.nextJson()).toEqual(["1", "1", "device", "phx_close", {}]);
    expect(await d.nextJson()).toEqual(["3", "3", "device", "phx_reply", { status: "ok", response: {} }]);
    d.sendJson(["3", "4", "device", "phx_leave", {}]);
    expect(await d.nextJson()).toEqual(["3", "4", "device", "phx_reply", { status: "ok", response: {} }]);
    expect(await d.nextJson()).toEqual(["3", "3", "device", "phx_close", {}]);
    expect(env.hub.device("rejoin")?.joinedTopics).toEqual([]);
  });

  it("crashes the device channel on a status outside the enum (phx_error) and accepts a rejoin", async () => {
    const d = await joined("crashy");
    d.sendJson(["1", "2", "device", "status_update", { status: "exploded" }]);
    expect(await d.nextJson()).toEqual(["1", "1", "device", "phx_error", { reason: "channel_crash" }]);
    d.sendJson(["1", "3", "device", "status_update", { status: "started" }]);
    expect((await d.nextJson())[4]).toEqual({ status: "error", response: { reason: "unmatched topic" } });
    d.sendJson(["4", "4", "device", "phx_join", FIRMWARE_PARAMS]);
    expect((await d.nextJson())[4]).toEqual({ status: "ok", response: {} });
    expect(env.hub.device("crashy")?.violations[0]?.reason).toMatch(/status/);
  });

  it("answers 'join crashed' to join params the server has no clause for", async () => {
    const d = await device("badmeta");
    d.sendJson(["1", "1", "device", "phx_join", { meta: { firmware_validated: "true" } }]);
    expect(await d.nextJson()).toEqual([
      "1",
      "1",
      "device",
      "phx_reply",
      { status: "error", response: { reason: "join crashed" } },
    ]);
  });

  it("turns integer msgpack refs into strings and answers in binary frames", async () => {
    const d = await device("packed", "3.0.0");
    const mp = msgpackSerializer();
    // [nil, 7, "phoenix", "heartbeat", {}] with an integer ref, packed by hand.
    const str = (s: string) => [0xa0 + s.length, ...Buffer.from(s)];
    d.ws.send(Buffer.from([0x95, 0xc0, 0x07, ...str("phoenix"), ...str("heartbeat"), 0x80]));
    await expect.poll(() => d.inbox.length).toBe(1);
    const frame = mp.decode(d.inbox[0] as Buffer);
    expect(frame.ok && frame.value).toEqual({
      joinRef: null,
      ref: "7",
      topic: "phoenix",
      event: "phx_reply",
      payload: { status: "ok", response: {} },
    });
  });
});

describe("liveness", () => {
  it("keeps a phoenix client that heartbeats alive past the idle timeout", async () => {
    const socket = await connectPhoenix(env.hub.deviceUrl("/device-socket"), {
      headers: sharedSecretHeaders("heartbeater"),
      heartbeatIntervalMs: 100,
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(socket.isConnected()).toBe(true);
    expect(env.hub.device("heartbeater")?.connected).toBe(true);
    socket.disconnect();
  });
});

describe("abuse", () => {
  it("drops malformed JSON frames, counts them, and keeps the socket", async () => {
    const d = await joined("garbage");
    d.ws.send("not json at all");
    d.ws.send("[1,2,3]");
    d.ws.send(JSON.stringify([null, "1", 42, "x", {}]));
    d.sendJson([null, "8", "phoenix", "heartbeat", {}]);
    expect((await d.nextJson())[1]).toBe("8");
    expect(env.hub.device("garbage")?.violations).toHaveLength(3);
  });

  it("keeps only the latest 100 violations but counts them all", async () => {
    const d = await device("flooder");
    for (let i = 0; i < 150; i++) d.ws.send(`garbage ${i}`);
    d.sendJson([null, "8", "phoenix", "heartbeat", {}]);
    await d.nextJson((f) => f[1] === "8");
    expect(env.hub.device("flooder")).toMatchObject({ violationCount: 150 });
    expect(env.hub.device("flooder")?.violations).toHaveLength(100);
  });

  it("closes a msgpack socket that receives a text frame with 1011, as the real socket crashes", async () => {
    const d = await device("texty", "3.0.0");
    d.ws.send('[null,"1","phoenix","heartbeat",{}]');
    expect((await d.closed).code).toBe(1011);
    await hubStillServes();
  });

  it("closes with 1009 on a frame over the size cap", async () => {
    const d = await joined("huge");
    d.ws.send(JSON.stringify([null, "1", "device", "x", { blob: "a".repeat(100 * 1024) }]));
    expect((await d.closed).code).toBe(1009);
    await hubStillServes();
  });

  it("closes an idle socket with 1002", async () => {
    const d = await device("sleepy");
    expect((await d.closed).code).toBe(1002);
    expect(env.hub.device("sleepy")?.connected).toBe(false);
  });

  it("records invalid payloads as violations without crashing the channel", async () => {
    const d = await joined("sloppy");
    d.sendJson(["1", "2", "device", "report_network_interface", { interface: 7 }]);
    d.sendJson(["1", "3", "device", "fwup_progress", { stage: "downloading" }]);
    d.sendJson(["1", "4", "device", "connection_types", { values: ["wifi"] }]);
    await expect.poll(() => env.hub.device("sloppy")?.connectionTypes).toEqual(["wifi"]);
    expect(env.hub.device("sloppy")?.violations.map((v) => v.event)).toEqual([
      "report_network_interface",
      "fwup_progress",
    ]);
    expect(env.hub.device("sloppy")?.joinedTopics).toEqual(["device"]);
  });
});
