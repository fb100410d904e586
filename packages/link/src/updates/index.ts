export type {
  ConnectionInfo,
  Downloader,
  DownloadRequest,
  FirmwareInstaller,
  InstallRequest,
  InstallResult,
  InstallSession,
  UpdateJob,
  UpdateStrategy,
} from "../ports/firmware.js";
export { type MemoryInstall, MemoryInstaller, type MemoryInstallerOptions } from "./memory-installer.js";
export {
  DEFAULT_DECISION_TIMEOUT_MS,
  UpdateController,
  type UpdateControllerOptions,
} from "./update-controller.js";
