import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCertificateIdentity } from "@nerves-hub-ts/auth-cert";
import { createCa } from "@nerves-hub-ts/dev-pki";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config/load-config.js";
import type { CliIo } from "./io.js";
import { EXIT, mainCli } from "./main-cli.js";

const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "nh-devid-"));
  tempDirs.push(dir);
  return dir;
}

function memoryIo(): CliIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: { write: (t: string) => (io.out += t) },
    stderr: { write: (t: string) => (io.err += t) },
    env: {},
    stopSignal: () => new Promise<string>(() => {}),
  };
  return io;
}

describe("nh-device dev-identity", () => {
  it("certificate: a key (0600) and a certificate signed by the CA, CN = identifier", async () => {
    const dir = await tempDir();
    const ca = await createCa({ commonName: "dev CA" });
    await writeFile(join(dir, "ca.pem"), ca.certPem);
    await writeFile(join(dir, "ca-key.pem"), ca.keyPem);
    const out = join(dir, "device");
    const io = memoryIo();
    const code = await mainCli(
      [
        "dev-identity",
        "certificate",
        "--ca-cert",
        join(dir, "ca.pem"),
        "--ca-key",
        join(dir, "ca-key.pem"),
        "--identifier",
        "bench-1",
        "--out",
        out,
      ],
      io,
    );
    expect(code, io.err).toBe(EXIT.ok);
    expect(JSON.parse(io.out)).toEqual({
      auth: "certificate",
      ssl: { certfile: join(out, "cert.pem"), keyfile: join(out, "key.pem") },
    });
    expect((await stat(join(out, "key.pem"))).mode & 0o777).toBe(0o600);
    const identity = await loadCertificateIdentity({
      cert: { path: join(out, "cert.pem") },
      key: { path: join(out, "key.pem") },
    });
    expect(identity.identifier()).toBe("bench-1");
  });

  it("shared-secret: a 0600 config the agent loads; the secret is not printed", async () => {
    const out = await tempDir();
    const io = memoryIo();
    const code = await mainCli(
      [
        "dev-identity",
        "shared-secret",
        "--product-key",
        "nhp_k",
        "--product-secret",
        "top-secret",
        "--out",
        out,
      ],
      io,
    );
    expect(code, io.err).toBe(EXIT.ok);
    expect(io.out + io.err).not.toContain("top-secret");
    const path = join(out, "config.json");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const { config } = await loadConfig({ configPath: path });
    expect(config.auth).toBe("shared_secret");
    expect(config.sharedSecret).toMatchObject({ productKey: "nhp_k", productSecret: "top-secret" });
    expect(config.identifier).toMatchObject({
      kind: "literal",
      value: expect.stringMatching(/^nh-[0-9a-f]{12}$/),
    });
  });

  it("usage errors name what is missing", async () => {
    const io = memoryIo();
    expect(await mainCli(["dev-identity", "certificate", "--identifier", "x"], io)).toBe(EXIT.usage);
    expect(io.err).toContain("dev-identity certificate needs --out");
    const io2 = memoryIo();
    expect(await mainCli(["dev-identity", "shared-secret", "--out", "/tmp/x", "--key", "k"], io2)).toBe(
      EXIT.usage,
    );
    expect(io2.err).toContain("needs --secret");
  });
});
