// Operator actions, programmatic and over HTTP, against phoenix devices.
import { type IncomingMessage, request } from "node:http";
import type { Channel, Socket } from "phoenix";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { HubScriptError } from "../core.js";
import { FIRMWARE_PARAMS, sharedSecretHeaders } from "../test-support/fixtures.js";
import { connectPhoenix, join, record } from "../test-support/phoenix-device.js";
import { useTestHub } from "../test-support/test-hub.js";
import { MAX_EVENT_STREAM_BACKLOG } from "./operator-api.js";

const env = useTestHub({ scriptTimeoutMs: 300 });

async function device(
  identifier: string,
  apiVersion = "2.3.0",
): Promise<{ socket: Socket; channel: Channel }> {
  const socket = await connectPhoenix(env.hub.deviceUrl("/device-socket"), {
    headers: sharedSecretHeaders(identifier),
  });
  env.afterThisTest(() => socket.disconnect());
  const { channel } = await join(socket, "device", { ...FIRMWARE_PARAMS, device_api_version: apiVersion });
  return { socket, channel };
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${env.hub.operatorUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${env.hub.operatorToken}`,
      "content-type": "application/json",
      ...init.headers,
    },
  });

describe("operator actions", () => {
  it("deploys with the exact update payload", async () => {
    const { channel } = await device("op-deploy");
    const fw = await env.hub.addFirmware(new Uint8Array(5000).fill(7), {
      version: "2.0.0",
      product: "widget",
      platform: "rpi4",
      architecture: "arm",
      author: "ACME",
    });
    const updates = record(channel, ["update"]);
    const result = env.hub.deploy(fw.uuid, {
      to: ["op-deploy", "not-here"].filter((id) => id !== "not-here"),
    });
    await expect.poll(() => updates.length).toBe(1);
    const payload = updates[0]?.payload as Record<string, unknown>;
    expect(Object.keys(payload).sort()).toEqual([
      "checksum",
      "deployment_id",
      "firmware_meta",
      "firmware_url",
      "partials_checksums",
      "size",
      "update_available",
    ]);
    expect(payload).toMatchObject({
      update_available: true,
      size: 5000,
      checksum: fw.checksum,
      partials_checksums: fw.partialsChecksums,
      deployment_id: result.deploymentId,
      firmware_meta: {
        uuid: fw.uuid,
        version: "2.0.0",
        product: "widget",
        platform: "rpi4",
        architecture: "arm",
        author: "ACME",
        description: null,
        misc: null,
        vcs_identifier: null,
      },
    });
    const download = await fetch(payload.firmware_url as string);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(5000);
  });

  it("runs a script and resolves with output and return value", async () => {
    const { channel } = await device("op-script");
    channel.on("scripts/run", (p: { ref: string; text: string }) => {
      channel.push("scripts/run", {
        ref: p.ref,
        result: "completed",
        output: `ran ${p.text}`,
        return: ":ok",
      });
    });
    await expect(env.hub.runScript("op-script", "1+1")).resolves.toBe("ran 1+1\n:ok");
  });

  it("rejects scripts for old API versions and on timeout", async () => {
    await device("op-old", "2.0.0");
    await expect(env.hub.runScript("op-old", "x")).rejects.toMatchObject({ reason: "incompatible_version" });
    await device("op-mute");
    const error = await env.hub.runScript("op-mute", "x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubScriptError);
    expect(error).toMatchObject({ reason: "timeout" });
  });

  it("sends reboot and identify as broadcasts", async () => {
    const { channel } = await device("op-reboot");
    const got = record(channel, ["reboot", "identify"]);
    expect(env.hub.reboot("op-reboot")).toBe(true);
    expect(env.hub.identify("op-reboot")).toBe(true);
    await expect.poll(() => got.map((g) => g.event)).toEqual(["reboot", "identify"]);
  });

  it("closes every device socket with 1012 on dropAll", async () => {
    const { socket } = await device("op-drop");
    const code = new Promise((resolve) => socket.onClose((e: { code: number }) => resolve(e.code)));
    expect(env.hub.dropAll()).toBeGreaterThanOrEqual(1);
    expect(await code).toBe(1012);
  });

  it("relays the console both ways, including an operator websocket", async () => {
    const { socket } = await device("op-console");
    const { channel: consoleChannel } = await join(socket, "console", { console_version: "2.0.0" });
    const keys = record(consoleChannel, ["dn"]);
    const ws = new WebSocket(
      `${env.hub.deviceUrl("/api/console/op-console/websocket")}?token=${env.hub.operatorToken}`,
    );
    await new Promise((resolve) => ws.once("open", resolve));
    const fromDevice = new Promise<string>((resolve) => ws.once("message", (d) => resolve(d.toString())));
    consoleChannel.push("up", { data: "iex> " });
    expect(JSON.parse(await fromDevice)).toEqual({ event: "up", payload: { data: "iex> " } });
    ws.send("h");
    await expect.poll(() => keys.length).toBe(1);
    expect(env.hub.sendConsole("op-console", "i")).toBe(true);
    await expect.poll(() => keys.map((k) => k.payload)).toEqual([{ data: "h" }, { data: "i" }]);
    ws.close();
    expect(env.hub.device("op-console")?.consoleVersion).toBe("2.0.0");
  });
});

describe("HTTP operator API", () => {
  it("requires the bearer token", async () => {
    const r = await fetch(`${env.hub.operatorUrl}/devices`);
    expect(r.status).toBe(401);
  });

  it("lists devices, uploads firmware and deploys it", async () => {
    const { channel } = await device("http-dev");
    const updates = record(channel, ["update"]);
    const list = (await (await api("/devices")).json()) as { identifier: string; connected: boolean }[];
    expect(list.find((d) => d.identifier === "http-dev")).toMatchObject({ connected: true });

    const upload = await api("/firmware?version=3.0.0&product=widget", {
      method: "POST",
      body: new Uint8Array(64),
    });
    const fw = (await upload.json()) as { uuid: string; size: number };
    expect(fw.size).toBe(64);
    const deployed = await api("/deployments", {
      method: "POST",
      body: JSON.stringify({ firmwareUuid: fw.uuid, to: "http-dev" }),
    });
    expect(await deployed.json()).toMatchObject({ sentTo: ["http-dev"] });
    await expect.poll(() => updates.length).toBe(1);
    expect((await api("/devices/nobody")).status).toBe(404);
    expect((await api("/deployments", { method: "POST", body: "{" })).status).toBe(400);
  });

  it("injects firmware faults and refuses malformed ones with 400", async () => {
    const fw = await env.hub.addFirmware(new Uint8Array(10), {});
    const bad = await api("/faults", {
      method: "POST",
      body: JSON.stringify({ fault: { cutAfterBytes: -1 } }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/cutAfterBytes/) });
    const ok = await api("/faults", {
      method: "POST",
      body: JSON.stringify({ target: { firmwareUuid: fw.uuid }, fault: { status: 404 } }),
    });
    expect(ok.status).toBe(200);
    expect((await fetch(env.hub.firmwareUrl(fw.uuid))).status).toBe(404);
    expect((await api("/faults", { method: "DELETE" })).status).toBe(200);
    expect((await fetch(env.hub.firmwareUrl(fw.uuid))).status).toBe(200);
  });

  it("streams hub events as server-sent events", async () => {
    const controller = new AbortController();
    const res = await api("/events", { signal: controller.signal });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await device("sse-dev");
    let text = "";
    while (!text.includes('"identifier":"sse-dev"') || !text.includes("event: joined")) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain("event: connected");
    controller.abort();
  });

  it("drops an event stream whose client stopped reading once its backlog passes the cap", async () => {
    let paused!: IncomingMessage;
    const opened = new Promise<void>((resolve, reject) => {
      const req = request(`${env.hub.operatorUrl}/events?token=${env.hub.operatorToken}`, (res) => {
        paused = res.pause(); // reads nothing for now: the stream's events pile up in the hub
        resolve();
      });
      req.on("error", reject);
      req.end();
    });
    await opened;
    await device("sse-stalled");
    const blob = "x".repeat(1024 * 1024);
    // Each push is one `pushed` event carrying the payload: 40 MiB in all, far past the cap plus
    // what the kernel buffers hold.
    for (let i = 0; i < 40; i++) {
      env.hub.push("sse-stalled", "device", "blob", { blob });
      await new Promise((r) => setImmediate(r));
    }
    let received = 0;
    paused.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    // The hub dropped the stream (it ends) and with it the backlog it had not sent.
    await new Promise((resolve) => paused.resume().on("close", resolve));
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(40 * blob.length - MAX_EVENT_STREAM_BACKLOG);
  });
});
