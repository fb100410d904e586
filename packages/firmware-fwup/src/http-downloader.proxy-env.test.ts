// One proxy environment, two paths: the hub's websocket (transport-ws) and a firmware download from the
// same hub go through the same real CONNECT proxy, or both go direct, because both ask proxy-from-env.
import { sharedSecretIdentity } from "@nerves-hub-ts/auth-shared-secret";
import {
  firmwareBytes,
  startTestHub,
  TEST_PRODUCT_KEY,
  TEST_PRODUCT_SECRET,
  type TlsTestHub,
} from "@nerves-hub-ts/hub/testing";
import { nodeClock } from "@nerves-hub-ts/platform-node";
import { wsTransport } from "@nerves-hub-ts/transport-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpDownloader } from "./http-downloader.js";
import { startProxy, type TestProxy } from "./test-support/proxy-server.js";

let hub: TlsTestHub;
let proxy: TestProxy;
const data = firmwareBytes(300_000, 11);
let firmwareUrl: string;

beforeAll(async () => {
  hub = await startTestHub({ tls: true });
  firmwareUrl = hub.hub.firmwareUrl((await hub.hub.addFirmware(data)).uuid);
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy?.close();
  await hub?.close();
});

/** Opens the device websocket with `env`, then downloads the firmware with the same `env`. */
async function websocketThenDownload(env: Record<string, string>): Promise<void> {
  const identity = sharedSecretIdentity({
    productKey: TEST_PRODUCT_KEY,
    productSecret: TEST_PRODUCT_SECRET,
    identifier: "proxy-env-device",
    clock: nodeClock,
  });
  const credentials = await identity.credentials();
  const connection = await wsTransport({ env }).connect({
    url: `${hub.hub.deviceUrl(credentials.path)}?vsn=2.0.0`,
    serializer: "json",
    headers: credentials.headers,
    tls: { ca: [hub.ca.certPem] },
    heartbeatIntervalMs: 30_000,
    compress: false,
    connectTimeoutMs: 5_000,
  });
  connection.close();
  const chunks: Uint8Array[] = [];
  for await (const c of new HttpDownloader({ env, tls: { ca: hub.ca.certPem } }).download({
    url: firmwareUrl,
  }))
    chunks.push(c.slice());
  expect(Buffer.compare(Buffer.concat(chunks), data)).toBe(0);
}

describe("the websocket and the firmware download follow one proxy environment", () => {
  it.each([
    ["HTTPS_PROXY: both through the proxy", {}, 2],
    ["NO_PROXY naming the hub: both direct", { NO_PROXY: "127.0.0.1" }, 0],
    ["NO_PROXY split on spaces: both direct", { NO_PROXY: "example.org 127.0.0.1" }, 0],
    ["NO_PROXY naming the hub on another port: both through the proxy", { NO_PROXY: "127.0.0.1:1" }, 2],
    ["NO_PROXY=*: both direct", { no_proxy: "*" }, 0],
  ])("%s", async (_, noProxy, tunnels) => {
    proxy.log.length = 0;
    await websocketThenDownload({ HTTPS_PROXY: proxy.url, ...noProxy });
    const hubAuthority = new URL(firmwareUrl).host;
    expect(proxy.log.map((l) => l.line)).toEqual(Array(tunnels).fill(`CONNECT ${hubAuthority}`));
  });
});
