// The test kit itself: what every package's tests rely on when they start a hub or build firmware.
import { spawnSync } from "node:child_process";
import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { describe, expect, it } from "vitest";
import { firmwareBytes, sha256Hex, testFirmware } from "./test-firmware.js";
import { startTestHub, TEST_PRODUCT_KEY } from "./test-hub.js";

const hasFwup = spawnSync("fwup", ["--version"], { stdio: "ignore" }).status === 0;

/** One GET on its own connection: status and body. */
function get(url: string, ca?: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const done = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    };
    const req = url.startsWith("https:")
      ? httpsGet(url, { ca, agent: false }, done)
      : httpGet(url, { agent: false }, done);
    req.on("error", reject);
  });
}

describe("startTestHub", () => {
  it("serves plain ws with the test product key, the firmware fixture, and the ranges downloaded", async () => {
    const bytes = firmwareBytes(4096, 3);
    const t = await startTestHub({ firmware: { bytes, meta: { version: "9.9.9" } } });
    try {
      expect(t.url).toBe(`ws://127.0.0.1:${t.port}`);
      expect(t.host).toBe(`127.0.0.1:${t.port}`);
      expect(t.ca).toBeUndefined();
      expect(t.productKey?.key).toBe(TEST_PRODUCT_KEY);
      expect(t.firmware).toMatchObject({ size: 4096, meta: { version: "9.9.9" } });
      await expect(t.deviceCert("dev-1")).rejects.toThrow(/no CA/);

      const url = t.hub.firmwareUrl(t.firmware?.uuid ?? "");
      const r = await get(url);
      expect(r.status).toBe(200);
      expect(Buffer.compare(r.body, bytes)).toBe(0);
      expect(t.ranges()).toEqual([null]);
    } finally {
      await t.close();
    }
  });

  it("serves wss with its PKI, issues device certificates, and starts again on the same port", async () => {
    const t = await startTestHub({ tls: true, productKey: false });
    const cert = await t.deviceCert("dev-tls");
    expect(cert.certPem).toContain("BEGIN CERTIFICATE");
    expect(t.url).toBe(`wss://127.0.0.1:${t.port}`);
    expect(t.productKey).toBeUndefined();
    await t.close();

    const bytes = firmwareBytes(2048, 5);
    const again = await startTestHub({ tls: t.pki, port: t.port, firmware: { bytes } });
    try {
      expect(again.port).toBe(t.port);
      const url = again.hub.firmwareUrl(again.firmware?.uuid ?? "");
      expect(url.startsWith(`https://${t.host}/`)).toBe(true);
      const r = await get(url, t.ca.certPem);
      expect(r.status).toBe(200);
      expect(Buffer.compare(r.body, bytes)).toBe(0);
    } finally {
      await again.close();
    }
  });
});

describe("firmwareBytes", () => {
  it("is the same for a seed and differs between seeds", () => {
    expect(firmwareBytes(1000, 7)).toEqual(firmwareBytes(1000, 7));
    expect(firmwareBytes(1000, 7)).not.toEqual(firmwareBytes(1000, 8));
  });
});

describe.skipIf(!hasFwup)("testFirmware", () => {
  it("builds a signed and an unsigned archive of the payload, once per set of options", async () => {
    const fw = await testFirmware({ size: 100_000, seed: 4, version: "3.1.4" });
    expect(fw.payload).toEqual(firmwareBytes(100_000, 4));
    expect(fw.meta).toEqual({ version: "3.1.4", product: "nerves-hub-ts test" });
    expect(fw.sha256).toBe(sha256Hex(fw.signed));
    expect(fw.signed.length).toBeGreaterThan(fw.unsigned.length);
    expect(Buffer.from(fw.publicKey, "base64")).toHaveLength(32);
    expect(await testFirmware({ size: 100_000, seed: 4, version: "3.1.4" })).toBe(fw);
  });
});
