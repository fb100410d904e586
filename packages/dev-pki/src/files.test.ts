import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createCa } from "./ca.js";
import { createDeviceCert } from "./device-cert.js";
import { DevPkiError } from "./errors.js";
import { writePkiFiles } from "./files.js";
import type { PemCredential } from "./issue.js";
import { createServerCert } from "./server-cert.js";

let ca: PemCredential;
let server: PemCredential;
let device: PemCredential;
let dir: string;

beforeAll(async () => {
  ca = await createCa({ commonName: "Dev CA" });
  server = await createServerCert(ca, { commonName: "hub" });
  device = await createDeviceCert(ca, { identifier: "nerves-1" });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "dev-pki-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe("writePkiFiles", () => {
  test("writes the set with keys private and devices in the LocalCertKey layout", async () => {
    const out = join(dir, "pki");
    const paths = await writePkiFiles(out, { ca, server, devices: { "nerves-1": device } });

    expect(paths.ca).toEqual({ certPath: join(out, "ca.pem"), keyPath: join(out, "ca-key.pem") });
    expect(paths.server).toEqual({ certPath: join(out, "server.pem"), keyPath: join(out, "server-key.pem") });
    const deviceDir = join(out, "devices", "nerves-1");
    expect(paths.devices["nerves-1"]).toEqual({
      dir: deviceDir,
      certPath: join(deviceDir, "cert.pem"),
      keyPath: join(deviceDir, "key.pem"),
    });

    expect(await readFile(join(deviceDir, "cert.pem"), "utf8")).toBe(device.certPem);
    expect(await readFile(join(deviceDir, "key.pem"), "utf8")).toBe(device.keyPem);
    expect(await readFile(join(out, "ca-key.pem"), "utf8")).toBe(ca.keyPem);
    for (const key of ["ca-key.pem", "server-key.pem", "devices/nerves-1/key.pem"]) {
      expect(await mode(join(out, key))).toBe(0o600);
    }
    expect(await mode(join(out, "ca.pem"))).toBe(0o644);
  });

  test("tightens an existing world-readable key file when overwriting it", async () => {
    await writeFile(join(dir, "ca-key.pem"), "old", { mode: 0o644 });
    await writePkiFiles(dir, { ca });
    expect(await mode(join(dir, "ca-key.pem"))).toBe(0o600);
    expect(await readFile(join(dir, "ca-key.pem"), "utf8")).toBe(ca.keyPem);
  });

  test.each(["../escape", "a/b", ".hidden", ""])(
    "refuses device identifier %j as a directory name",
    async (id) => {
      await expect(writePkiFiles(dir, { ca, devices: { [id]: device } })).rejects.toThrow(DevPkiError);
    },
  );
});
