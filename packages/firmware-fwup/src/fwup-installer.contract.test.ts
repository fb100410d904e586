// The fwup installer runs the FirmwareInstaller contract with the real fwup when it is on PATH
// (a signed archive built by fwup itself), and with the stand-in fwup script otherwise.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installerContract } from "@nerves-hub-ts/port-contracts";
import { afterAll, beforeAll } from "vitest";
import { fwupInstaller } from "./fwup-installer.js";
import { firmwareBytes } from "./test-support/bytes.js";
import { fakeFwup, hasFwup } from "./test-support/fwup-bin.js";
import { sha256Hex } from "./test-support/hub-firmware.js";

const payload = firmwareBytes(300_000, 5);
const CONF = `
meta-product = "nerves-hub-ts contract"
meta-version = "1.0.0"
file-resource data.bin { host-path = "data.bin" }
task upgrade { on-resource data.bin { raw_write(0) } }
`;
let dir: string;
let signed: Uint8Array;
let publicKey: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fwup-contract-"));
  if (!hasFwup) return;
  await writeFile(join(dir, "data.bin"), payload);
  await writeFile(join(dir, "fwup.conf"), CONF);
  execFileSync("fwup", ["-g"], { cwd: dir });
  execFileSync("fwup", ["-c", "-f", "fwup.conf", "-o", "unsigned.fw"], { cwd: dir });
  execFileSync("fwup", ["-S", "-s", "fwup-key.priv", "-i", "unsigned.fw", "-o", "signed.fw"], { cwd: dir });
  signed = new Uint8Array(await readFile(join(dir, "signed.fw")));
  publicKey = (await readFile(join(dir, "fwup-key.pub"), "utf8")).trim();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let installs = 0;

installerContract(hasFwup ? "fwupInstaller (real fwup)" : "fwupInstaller (stand-in fwup)", async () => {
  installs += 1;
  const image = join(dir, `disk-${installs}.img`);
  await writeFile(image, new Uint8Array());
  if (hasFwup) {
    return {
      installer: fwupInstaller({ devpath: image, task: "upgrade" }),
      firmware: signed,
      request: { publicKeys: [publicKey] },
      checksChecksum: false,
      installed: async () => ({
        actual: new Uint8Array(await readFile(image)).subarray(0, payload.length),
        expected: payload,
      }),
    };
  }
  const output = join(dir, `received-${installs}.bin`);
  const env = {
    FAKE_FWUP_SIZE: String(payload.length),
    FAKE_FWUP_SHA256: sha256Hex(payload),
    FAKE_FWUP_OUTPUT: output,
  };
  return {
    installer: fwupInstaller({ devpath: image, ...fakeFwup(env) }),
    firmware: payload,
    checksChecksum: false,
    installed: async () => ({ actual: new Uint8Array(await readFile(output)), expected: payload }),
  };
});
