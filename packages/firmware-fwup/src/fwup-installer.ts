// The FirmwareInstaller port backed by the real fwup CLI.
import type { FirmwareInstaller } from "@nerves-hub-ts/link";
import { FwupRunner, type FwupRunnerOptions } from "./fwup-runner.js";

/** Settings that stay the same for every install (nerves_hub_link's fwup_* config). */
export type FwupInstallerOptions = Omit<FwupRunnerOptions, "publicKeys" | "onMessage" | "inputPath">;

/** Installs each offer by streaming it into `fwup --apply` with the offer's signing keys. */
export function fwupInstaller(options: FwupInstallerOptions): FirmwareInstaller {
  return {
    begin: (request) =>
      FwupRunner.start({ ...options, publicKeys: request.publicKeys, onMessage: request.onMessage }),
  };
}
