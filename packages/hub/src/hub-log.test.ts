// The hub's info log tells a device's story (connect, update, statuses, downloads, faults,
// disconnect, shutdown) and never carries a secret, a signature or a signed URL's query.
import { expect, it } from "vitest";
import { cliLogger } from "./cli/logger.js";
import { startHub } from "./hub.js";
import {
  FIRMWARE_PARAMS,
  PRODUCT_KEY,
  PRODUCT_SECRET,
  sharedSecretHeaders,
} from "./test-support/fixtures.js";
import { RawDevice, rawConnect } from "./test-support/phoenix-device.js";
import { rawJoin, settled } from "./test-support/raw-device.js";

it("logs the device's story at info without secrets", async () => {
  const lines: string[] = [];
  const hub = await startHub({ logger: cliLogger("info", { write: (line: string) => lines.push(line) }) });
  hub.addProductKey(PRODUCT_KEY, PRODUCT_SECRET);
  const headers = sharedSecretHeaders("logged");
  const r = await rawConnect(`${hub.deviceUrl("/device-socket/websocket")}?vsn=2.0.0`, { headers });
  if (r.kind !== "open") throw new Error(`refused with ${r.status}`);
  const d = new RawDevice(r.ws);
  await rawJoin(d, "device", FIRMWARE_PARAMS);

  const fw = await hub.addFirmware(new Uint8Array(4096).fill(7), { version: "2.0.0" });
  hub.deploy(fw.uuid, { to: "logged" });
  const url = (await d.nextJson((f) => f[3] === "update"))[4] as { firmware_url: string };
  d.sendJson([null, "1", "device", "status_update", { status: "downloading" }]);
  await settled(d);
  await (await fetch(url.firmware_url)).arrayBuffer();
  await (await fetch(url.firmware_url, { headers: { range: "bytes=1000-" } })).arrayBuffer();
  hub.injectFault({ identifier: "logged" }, { cutAfterBytes: 10, once: true });
  await fetch(url.firmware_url)
    .then((res) => res.arrayBuffer())
    .catch(() => undefined);
  d.sendJson([null, "2", "device", "status_update", { status: "failed", reason: "cut" }]);
  await settled(d);
  hub.kick("logged");
  await d.closed;
  await hub.close();

  const entries = lines.map((l) => JSON.parse(l) as { level: number; msg: string; [k: string]: unknown });
  const info = entries.filter((e) => e.level >= 30);
  const messages = info.map((e) => e.msg);
  for (const msg of [
    "device connected",
    "update pushed",
    "update status",
    "firmware download started",
    "firmware download finished",
    "firmware download resumed",
    "firmware fault injected",
    "firmware fault applied",
    "firmware download interrupted",
    "device updates blocked",
    "device disconnected",
    "hub shutting down",
    "hub stopped",
  ]) {
    expect(messages).toContain(msg);
  }
  expect(info.find((e) => e.msg === "device disconnected")).toMatchObject({
    code: 1001,
    reason: "disconnect",
  });
  expect(info.filter((e) => e.msg === "update status").map((e) => e.status)).toEqual([
    "downloading",
    "failed",
  ]);

  const all = lines.join("\n");
  const query = new URL(url.firmware_url).search;
  for (const secret of [PRODUCT_SECRET, headers["x-nh-signature"], query, query.split("signature=")[1]]) {
    expect(secret && all.includes(secret)).toBe(false);
  }
});
