import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hub } from "../hub.js";
import { startTestHub } from "../test-kit/test-hub.js";
import { sharedSecretHeaders } from "../test-support/fixtures.js";
import { RawDevice, rawConnect } from "../test-support/phoenix-device.js";
import { NO_AUTH_REASON, PLATFORM_UNAVAILABLE_REASON } from "./upgrade-rejection.js";

let hub: Hub;
let noSecretsHub: Hub;

beforeAll(async () => {
  ({ hub } = await startTestHub());
  hub.addDeviceKey("nhd_device-key", "device-secret-abc", "dev-keyed");
  ({ hub: noSecretsHub } = await startTestHub({ sharedSecrets: false }));
});
afterAll(async () => {
  await hub.close();
  await noSecretsHub.close();
});

const url = (vsn?: string, path = "/device-socket/websocket", h = hub) =>
  vsn === undefined ? h.deviceUrl(path) : `${h.deviceUrl(path)}?vsn=${vsn}`;

describe("vsn negotiation", () => {
  it.each([undefined, "1.0.0", "2.1.0", "3.1.0", "banana"])(
    "refuses vsn %s with 403 and an empty body",
    async (vsn) => {
      const r = await rawConnect(url(vsn), { headers: sharedSecretHeaders("d-vsn") });
      expect(r.kind === "refused" && { status: r.status, body: r.body }).toEqual({ status: 403, body: "" });
      expect(r.kind === "refused" && r.headers.date).toMatch(/GMT$/);
    },
  );

  it.each(["2.0.0", "2.0.7", "3.0.0"])("accepts vsn %s", async (vsn) => {
    const r = await rawConnect(url(vsn), { headers: sharedSecretHeaders(`d-${vsn}`) });
    expect(r.kind).toBe("open");
    if (r.kind === "open") r.ws.close();
  });
});

describe("authentication refusals", () => {
  it("answers 401 with the reason header and body when no credentials are given", async () => {
    const r = await rawConnect(url("2.0.0"));
    expect(r).toMatchObject({ kind: "refused", status: 401, body: NO_AUTH_REASON });
    expect(r.kind === "refused" && r.headers["nh-connection-error-reason"]).toBe(NO_AUTH_REASON);
  });

  it("treats any x- header as a shared-secret attempt (bare 401)", async () => {
    const r = await rawConnect(url("2.0.0"), { headers: { "x-forwarded-for": "10.0.0.1" } });
    expect(r).toMatchObject({ kind: "refused", status: 401, body: "" });
    expect(r.kind === "refused" && r.headers["nh-connection-error-reason"]).toBeUndefined();
  });

  it.each([
    ["a forged signature", { ...sharedSecretHeaders("d1"), "x-nh-signature": "SFMyNTY.g2gD.AAAA" }],
    ["an unknown key", sharedSecretHeaders("d1", { key: "nhp_nope" })],
    ["an expired token (180 s old)", sharedSecretHeaders("d1", { offsetSeconds: -180 })],
    ["a token from the future", sharedSecretHeaders("d1", { offsetSeconds: 30 })],
    [
      "a device key signing another identifier",
      sharedSecretHeaders("someone-else", { key: "nhd_device-key", secret: "device-secret-abc" }),
    ],
  ])("refuses %s with an empty 401", async (_label, headers) => {
    const r = await rawConnect(url("2.0.0"), { headers });
    expect(r).toMatchObject({ kind: "refused", status: 401, body: "" });
  });

  it("answers 503 platform_unavailable when x-nh-time is missing", async () => {
    const { "x-nh-time": _dropped, ...headers } = sharedSecretHeaders("d1");
    const r = await rawConnect(url("2.0.0"), { headers });
    expect(r).toMatchObject({ kind: "refused", status: 503, body: PLATFORM_UNAVAILABLE_REASON });
    expect(r.kind === "refused" && r.headers["nh-connection-error-reason"]).toBe(PLATFORM_UNAVAILABLE_REASON);
  });

  it("refuses valid shared secrets when they are disabled", async () => {
    const r = await rawConnect(url("2.0.0", undefined, noSecretsHub), { headers: sharedSecretHeaders("d1") });
    expect(r).toMatchObject({ kind: "refused", status: 401, body: "" });
  });
});

describe("shared-secret identities", () => {
  it("creates a device on first connect with a product key", async () => {
    const registered = hub.waitFor((e) => e.type === "device_registered" && e.identifier === "new-device");
    const r = await rawConnect(url("2.0.0"), { headers: sharedSecretHeaders("new-device") });
    expect(r.kind).toBe("open");
    await expect(registered).resolves.toMatchObject({ via: "product_key" });
    expect(hub.device("new-device")).toMatchObject({
      connected: true,
      auth: "shared_secret",
      createdVia: "product_key",
    });
    if (r.kind === "open") r.ws.close();
  });

  it("accepts a device key with its own identifier", async () => {
    const r = await rawConnect(url("3.0.0"), {
      headers: sharedSecretHeaders("dev-keyed", { key: "nhd_device-key", secret: "device-secret-abc" }),
    });
    expect(r.kind).toBe("open");
    expect(hub.device("dev-keyed")).toMatchObject({ connected: true, vsn: "3.0.0" });
    if (r.kind === "open") r.ws.close();
  });

  it("sends a date header on the 101 response", async () => {
    const r = await rawConnect(url("2.0.0"), { headers: sharedSecretHeaders("dated") });
    expect(r.kind === "open" && r.headers.date).toMatch(/GMT$/);
    if (r.kind === "open") r.ws.close();
  });
});

function httpCall(
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, hub.deviceUrl("/").replace(/^ws/, "http"));
    const req = request(u, { method: init.method ?? "GET", headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: "" });
    });
    req.on("error", reject);
    req.end();
  });
}

const upgradeHeaders = (identifier: string, extensions: string) => ({
  connection: "Upgrade",
  upgrade: "websocket",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  "sec-websocket-extensions": extensions,
  ...sharedSecretHeaders(identifier),
});

describe("permessage-deflate", () => {
  it("accepts a bare offer (as nerves_hub_link sends it) with a 1 KiB compressor window", async () => {
    const r = await httpCall("/device-socket/websocket?vsn=2.0.0", {
      headers: upgradeHeaders("deflate-bare", "permessage-deflate"),
    });
    expect(r.status).toBe(101);
    expect(r.headers["sec-websocket-extensions"]).toBe("permessage-deflate; server_max_window_bits=10");
  });

  it("connects a device that insists on a smaller window, without compression", async () => {
    const r = await httpCall("/device-socket/websocket?vsn=2.0.0", {
      headers: upgradeHeaders("deflate-tiny", "permessage-deflate; server_max_window_bits=9"),
    });
    expect(r.status).toBe(101);
    expect(r.headers["sec-websocket-extensions"]).toBeUndefined();
  });

  it("exchanges compressed frames", async () => {
    const r = await rawConnect(url("2.0.0"), {
      headers: sharedSecretHeaders("deflate-ws"),
      perMessageDeflate: true,
    });
    if (r.kind !== "open") throw new Error(`refused: ${r.status}`);
    expect(r.headers["sec-websocket-extensions"]).toContain("server_max_window_bits=10");
    const device = new RawDevice(r.ws);
    device.sendJson([null, "1", "phoenix", "heartbeat", "x".repeat(4000)]);
    await expect(device.nextJson()).resolves.toEqual([
      null,
      "1",
      "phoenix",
      "phx_reply",
      { status: "ok", response: {} },
    ]);
    r.ws.close();
  });
});

describe("other paths", () => {
  it.each(["/status/alive", "/status/_health", "/status/health", "/status/healthy"])(
    "%s says hello",
    async (path) => {
      const r = await httpCall(path);
      expect(r).toMatchObject({ status: 200, body: "Hello, Friend!" });
      expect(r.headers.date).toBeTypeOf("string");
    },
  );

  it("redirects unknown paths to the docs", async () => {
    const r = await httpCall("/nowhere");
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe("https://docs.nerves-hub.org/");
  });

  it("answers 400 to a non-GET upgrade", async () => {
    const r = await httpCall("/socket/websocket?vsn=2.0.0", {
      method: "POST",
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    expect(r.status).toBe(400);
    expect(r.headers.date).toBeTypeOf("string");
  });
});
