import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firmwareBytes } from "@nerves-hub-ts/hub/testing";
import { installerContract } from "@nerves-hub-ts/port-contracts";
import { sandboxInstaller } from "./sandbox-installer.js";

const firmware = firmwareBytes(200_000, 9);

installerContract("sandboxInstaller", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sandbox-contract-"));
  const path = join(dir, "slot", "firmware.img");
  return {
    installer: sandboxInstaller({ path }),
    firmware,
    checksChecksum: true,
    installed: async () => ({ actual: new Uint8Array(await readFile(path)), expected: firmware }),
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
});
