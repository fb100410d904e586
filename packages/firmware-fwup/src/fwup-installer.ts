// The FirmwareInstaller port backed by the real fwup CLI.
import type { FirmwareInstaller, InstallRequest, InstallSession } from "@nerves-hub-ts/ports";
import { FwupRunner, type FwupRunnerOptions } from "./fwup-runner.js";

/** Settings that stay the same for every install (nerves_hub_link's fwup_* config). */
export type FwupInstallerOptions = Omit<FwupRunnerOptions, "publicKeys" | "onMessage" | "inputPath">;

/**
 * An installer that can also read the firmware from a file itself. A firmware file already on disk
 * then costs one read (fwup's own) instead of a read here, a copy through a pipe and fwup's framed
 * read: in bench/update-e2e the install of a cached 256 MiB file took as long as `fwup -a -i`.
 */
export interface FileInstaller extends FirmwareInstaller {
  /** Starts an install that reads `path`; no bytes are written to the session, `end()` it. */
  beginFromFile(request: InstallRequest, path: string): InstallSession;
}

export function installsFromFile(installer: FirmwareInstaller): installer is FileInstaller {
  return typeof (installer as Partial<FileInstaller>).beginFromFile === "function";
}

/** Installs each offer by streaming it into `fwup --apply`, or from a file with `-i`, with the offer's signing keys. */
export function fwupInstaller(options: FwupInstallerOptions): FileInstaller {
  const start = (request: InstallRequest, inputPath?: string) =>
    FwupRunner.start({
      ...options,
      publicKeys: request.publicKeys,
      onMessage: request.onMessage,
      ...(inputPath !== undefined ? { inputPath } : {}),
    });
  return { begin: (request) => start(request), beginFromFile: start };
}
