// The benchmark's firmware: a signed fwup archive that raw-writes SIZE pseudo-random bytes at
// offset 0, built once with the real fwup and kept in the temp directory for later runs, and the
// reference image a direct `fwup -a -i` makes of it.
import { execFileSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BenchFirmware {
  dir: string;
  /** The signed archive. */
  path: string;
  /** Base64 Ed25519 public key it is signed with. */
  publicKey: string;
}

const MiB = 1024 * 1024;

const CONF = `
meta-product = "nerves-hub-ts bench"
meta-version = "2.0.0"
file-resource data.bin { host-path = "data.bin" }
task upgrade { on-resource data.bin { raw_write(0) } }
`;

export async function benchFirmware(sizeMiB: number): Promise<BenchFirmware> {
  const dir = join(tmpdir(), `nerves-hub-ts-bench-e2e-${sizeMiB}`);
  const path = join(dir, "signed.fw");
  const pub = join(dir, "fwup-key.pub");
  if (!(await stat(path).catch(() => null)) || !(await stat(pub).catch(() => null))) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const data = await open(join(dir, "data.bin"), "w");
    const block = randomFillSync(Buffer.alloc(MiB));
    for (let i = 0; i < sizeMiB; i++) {
      block.writeUInt32BE(i, 0); // every MiB differs
      await data.write(block);
    }
    await data.close();
    await writeFile(join(dir, "fwup.conf"), CONF);
    const fwup = (...args: string[]) => execFileSync("fwup", args, { cwd: dir, stdio: "ignore" });
    fwup("-g");
    fwup("-c", "-f", "fwup.conf", "-o", "unsigned.fw");
    fwup("-S", "-s", "fwup-key.priv", "-i", "unsigned.fw", "-o", "signed.tmp");
    await rm(join(dir, "unsigned.fw"));
    await rm(join(dir, "data.bin"));
    execFileSync("mv", [join(dir, "signed.tmp"), path]);
  }
  return { dir, path, publicKey: (await readFile(pub, "utf8")).trim() };
}

/** SHA-256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const c of createReadStream(path, { highWaterMark: MiB })) h.update(c as Buffer);
  return h.digest("hex");
}
