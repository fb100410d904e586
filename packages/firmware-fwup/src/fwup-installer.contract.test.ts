// The fwup installer runs the FirmwareInstaller contract with the real fwup when it is on PATH
// (a signed archive built by fwup itself), and with the stand-in fwup script otherwise.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firmwareBytes, sha256Hex, type TestFirmware, testFirmware } from "@nerves-hub-ts/hub/testing";
import { installerContract } from "@nerves-hub-ts/port-contracts";
import { afterAll, beforeAll } from "vitest";
import { fwupInstaller } from "./fwup-installer.js";
import { fakeFwup, hasFwup } from "./test-support/fwup-bin.js";

let payload = firmwareBytes(300_000, 5);
let dir: string;
let firmware: TestFirmware;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fwup-contract-"));
  if (!hasFwup) return;
  firmware = await testFirmware({ size: 300_000, seed: 5, product: "nerves-hub-ts contract" });
  payload = firmware.payload;
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
      firmware: firmware.signed,
      request: { publicKeys: [firmware.publicKey] },
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
