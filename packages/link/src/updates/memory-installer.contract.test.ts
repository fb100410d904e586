import { installerContract } from "@nerves-hub-ts/port-contracts";
import { MemoryInstaller } from "./memory-installer.js";

const firmware = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) % 251);

installerContract("MemoryInstaller", async () => {
  const installer = new MemoryInstaller({ keepBytes: true });
  return {
    installer,
    firmware,
    checksChecksum: true,
    installed: async () => ({
      actual: installer.installs.at(-1)?.bytes ?? new Uint8Array(),
      expected: firmware,
    }),
  };
});
