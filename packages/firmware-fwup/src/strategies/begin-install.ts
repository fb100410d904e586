import type { FirmwareInstaller, InstallSession, UpdateJob } from "@nerves-hub-ts/link";

/**
 * Opens the installer for a job: its signing keys, the expected size and checksum when the offer has
 * them, and installer messages relayed to the job (fwup progress as the `updating` stage).
 */
export function beginInstall(
  installer: FirmwareInstaller,
  job: UpdateJob,
  size: number | undefined,
  checksum: string | null,
): InstallSession {
  return installer.begin({
    publicKeys: job.publicKeys,
    ...(size !== undefined ? { size } : {}),
    ...(checksum ? { checksum } : {}),
    onMessage: (m) => {
      job.onFwupMessage(m);
      if (m.type === "progress") job.onProgress("updating", m.percent);
    },
  });
}
