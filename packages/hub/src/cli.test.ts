import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./cli/config.js";
import { cliLogger } from "./cli/logger.js";
import { runCli } from "./cli.js";
import type { Hub } from "./hub.js";
import { sharedSecretHeaders } from "./test-support/fixtures.js";
import { rawConnect } from "./test-support/phoenix-device.js";
import { rawExchange } from "./test-support/raw-request.js";

let dir: string;
let hub: Hub | undefined;
const out: string[] = [];
const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(`ERR ${l}`) };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nerves-hub-dev-"));
});
afterAll(async () => {
  try {
    await hub?.close();
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

describe("nerves-hub-dev", () => {
  it("writes a CA, a server certificate and device certificates", async () => {
    const r = await runCli(["certs", join(dir, "pki"), "--device", "cli-dev"], io);
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, "pki", "devices", "cli-dev", "cert.pem"), "utf8")).toMatch(
      /BEGIN CERTIFICATE/,
    );
  });

  it("serves TLS with the cert dir, a config file and a firmware dir, and prints the URLs", async () => {
    await writeFile(
      join(dir, "hub.json"),
      JSON.stringify({ productKeys: [{ key: "nhp_cli", secret: "cli-secret" }], signingKeys: ["a2V5"] }),
    );
    await writeFile(join(dir, "app.fw"), new Uint8Array(2048));
    await writeFile(join(dir, "app.fw.json"), JSON.stringify({ version: "1.0.0", product: "cli" }));
    const r = await runCli(
      [
        "serve",
        "--port",
        "0",
        "--cert-dir",
        join(dir, "pki"),
        "--config",
        join(dir, "hub.json"),
        "--firmware-dir",
        dir,
        "--log-level",
        "silent",
      ],
      io,
    );
    expect(r.code).toBe(0);
    hub = r.hub as Hub;
    expect(out.join("\n")).toContain(hub.deviceUrl());
    expect(out.join("\n")).toContain(hub.operatorUrl);
    const ca = await readFile(join(dir, "pki", "ca.pem"), "utf8");
    const cert = await readFile(join(dir, "pki", "devices", "cli-dev", "cert.pem"), "utf8");
    const key = await readFile(join(dir, "pki", "devices", "cli-dev", "key.pem"), "utf8");
    const byCert = await rawConnect(`${hub.deviceUrl()}?vsn=2.0.0`, { cert, key, ca });
    expect(byCert.kind).toBe("open");
    const bySecret = await rawConnect(`${hub.deviceUrl("/device-socket/websocket")}?vsn=2.0.0`, {
      ca,
      headers: sharedSecretHeaders("cli-ss", { key: "nhp_cli", secret: "cli-secret" }),
    });
    expect(bySecret.kind).toBe("open");
    for (const c of [byCert, bySecret]) if (c.kind === "open") c.ws.close();
    expect(
      hub
        .devices()
        .map((d) => d.identifier)
        .sort(),
    ).toEqual(["cli-dev", "cli-ss"]);
  });

  it("explains a bad config and exits 1", async () => {
    await writeFile(join(dir, "bad.json"), JSON.stringify({ productKeys: [{ key: 7 }] }));
    const r = await runCli(
      ["serve", "--port", "0", "--config", join(dir, "bad.json"), "--log-level", "silent"],
      io,
    );
    expect(r.code).toBe(1);
    expect(out.at(-1)).toMatch(/productKeys\[0\]\.key/);
  });

  it("reads analytics and the health interval from the config, and explains wrong types", async () => {
    const path = join(dir, "ext.json");
    await writeFile(path, JSON.stringify({ analytics: true, healthIntervalMinutes: 5 }));
    expect(await loadConfig(path)).toMatchObject({ analytics: true, healthIntervalMinutes: 5 });
    await writeFile(path, JSON.stringify({ analytics: "yes" }));
    await expect(loadConfig(path)).rejects.toThrow(/analytics must be a boolean/);
    await writeFile(path, JSON.stringify({ healthIntervalMinutes: 0 }));
    await expect(loadConfig(path)).rejects.toThrow(/healthIntervalMinutes must be a positive number/);
  });

  it("resolves certificate paths against the config file and names a wrong field inside a list", async () => {
    const path = join(dir, "lists.json");
    await writeFile(
      path,
      JSON.stringify({
        productKeys: [{ key: "nhp_1", secret: "s" }],
        cas: [{ certPath: "ca.pem", jitp: true }],
        devices: [{ identifier: "d1" }, { identifier: "d2", certPath: "d2.pem" }],
      }),
    );
    expect(await loadConfig(path)).toMatchObject({
      productKeys: [{ key: "nhp_1", secret: "s" }],
      deviceKeys: [],
      signingKeys: [],
      cas: [{ certPath: join(dir, "ca.pem"), jitp: true }],
      devices: [{ identifier: "d1" }, { identifier: "d2", certPath: join(dir, "d2.pem") }],
    });
    await writeFile(path, JSON.stringify({ deviceKeys: [{ key: "k", secret: "", identifier: "d" }] }));
    await expect(loadConfig(path)).rejects.toThrow("deviceKeys[0].secret must be a non-empty string");
    await writeFile(path, JSON.stringify({ extensions: ["health", "teleport"] }));
    await expect(loadConfig(path)).rejects.toThrow(/extensions must be a list of names from health/);
  });

  it("applies the config file's HTTP timeouts", async () => {
    await writeFile(
      join(dir, "slow.json"),
      JSON.stringify({ headersTimeoutMs: 300, requestTimeoutMs: 1000 }),
    );
    const r = await runCli(
      ["serve", "--plain", "--port", "0", "--config", join(dir, "slow.json"), "--log-level", "silent"],
      io,
    );
    expect(r.code).toBe(0);
    hub = r.hub as Hub;
    const stalled = await rawExchange(hub.port, "GET /status/alive HTTP/1.1\r\n", { timeoutMs: 10_000 });
    expect(stalled.status).toBe(408);
  });

  it("refuses a backlog that is not a positive integer", async () => {
    const r = await runCli(["serve", "--port", "0", "--backlog", "lots", "--log-level", "silent"], io);
    expect(r.code).toBe(1);
    expect(out.at(-1)).toBe("ERR nerves-hub-dev: --backlog must be a positive integer, got lots");
  });

  it("prints usage for an unknown command", async () => {
    expect((await runCli(["frobnicate"], io)).code).toBe(2);
    expect(out.at(-1)).toContain("usage:");
  });

  it("redacts secrets in structured logs", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    cliLogger("info", sink).info(
      {
        headers: { "x-nh-signature": "SFMyNTY.secret", "x-nh-key": "nhp_k" },
        secret: "s3cret",
        firmware_url: "https://h/f?signature=abc",
      },
      "upgrade",
    );
    expect(lines.join("")).not.toMatch(/SFMyNTY|s3cret|signature=abc/);
    expect(lines.join("")).toContain("nhp_k");
  });
});
