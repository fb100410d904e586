// The one firmware fixture: deterministic bytes, and a signed fwup archive that writes them.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { FirmwareMetaInput } from "../firmware/store.js";

/** Deterministic pseudo-random bytes (xorshift32), so a misplaced or corrupted byte always shows. */
export function firmwareBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** SHA-256 of bytes, lower-case hex. */
export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export interface TestFirmwareOptions {
  /** Size of the payload the archive writes, in bytes. */
  size: number;
  /** Seed of `firmwareBytes`; default 1. */
  seed?: number;
  /** Default "1.0.0". */
  version?: string;
  /** Default "nerves-hub-ts test". */
  product?: string;
}

export interface TestFirmware {
  /** The bytes task `upgrade` writes at offset 0 (`raw_write(0)`). */
  payload: Uint8Array;
  /** The archive signed with `publicKey`'s private key. */
  signed: Uint8Array;
  /** The same archive unsigned. */
  unsigned: Uint8Array;
  /** Base64 Ed25519 public key, as the hub's signing keys and `--public-key` take it. */
  publicKey: string;
  /** Metadata for `hub.addFirmware` (what the archive's meta-* say). */
  meta: FirmwareMetaInput;
  /** SHA-256 of the signed archive, lower-case hex. */
  sha256: string;
}

const run = promisify(execFile);
const built = new Map<string, Promise<TestFirmware>>();

/**
 * A signed .fw built with the real `fwup` CLI (rejects with a clear error when it is not on PATH).
 * Built once per set of options in a process.
 */
export function testFirmware(options: TestFirmwareOptions): Promise<TestFirmware> {
  const { size, seed = 1, version = "1.0.0", product = "nerves-hub-ts test" } = options;
  const key = JSON.stringify([size, seed, version, product]);
  let firmware = built.get(key);
  if (!firmware) {
    firmware = build(firmwareBytes(size, seed), { version, product });
    built.set(key, firmware);
    firmware.catch(() => built.delete(key));
  }
  return firmware;
}

async function build(payload: Uint8Array, meta: { version: string; product: string }): Promise<TestFirmware> {
  const dir = await mkdtemp(join(tmpdir(), "nh-test-firmware-"));
  const fwup = (...args: string[]) =>
    run("fwup", args, { cwd: dir }).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === "ENOENT") throw new Error("testFirmware needs the fwup CLI on PATH", { cause });
      throw cause;
    });
  try {
    await writeFile(join(dir, "data.bin"), payload);
    await writeFile(
      join(dir, "fwup.conf"),
      [
        `meta-product = ${JSON.stringify(meta.product)}`,
        `meta-version = ${JSON.stringify(meta.version)}`,
        'file-resource data.bin { host-path = "data.bin" }',
        "task upgrade { on-resource data.bin { raw_write(0) } }",
        "",
      ].join("\n"),
    );
    await fwup("-g");
    await fwup("-c", "-f", "fwup.conf", "-o", "unsigned.fw");
    await fwup("-S", "-s", "fwup-key.priv", "-i", "unsigned.fw", "-o", "signed.fw");
    const signed = new Uint8Array(await readFile(join(dir, "signed.fw")));
    return {
      payload,
      signed,
      unsigned: new Uint8Array(await readFile(join(dir, "unsigned.fw"))),
      publicKey: (await readFile(join(dir, "fwup-key.pub"), "utf8")).trim(),
      meta,
      sha256: sha256Hex(signed),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
