import type { FirmwareInstaller, InstallRequest, InstallSession, UpdateJob } from "@nerves-hub-ts/ports";
import { installsFromFile } from "../fwup-installer.js";

/**
 * Opens the installer for a job: its signing keys, the expected size and checksum when the offer has
 * them, and installer messages relayed to the job (fwup progress as the `updating` stage). With
 * `fromFile` (for an installer that reads files) it reads that file instead of the session's input.
 */
export function beginInstall(
  installer: FirmwareInstaller,
  job: UpdateJob,
  size: number | undefined,
  checksum: string | null,
  fromFile?: string,
): InstallSession {
  const request: InstallRequest = {
    publicKeys: job.publicKeys,
    ...(size !== undefined ? { size } : {}),
    ...(checksum ? { checksum } : {}),
    onMessage: (m) => {
      job.onFwupMessage(m);
      if (m.type === "progress") job.onProgress("updating", m.percent);
    },
  };
  return fromFile !== undefined && installsFromFile(installer)
    ? installer.beginFromFile(request, fromFile)
    : installer.begin(request);
}
