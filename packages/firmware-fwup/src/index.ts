// The firmware adapters: the resumable HTTP downloader, fwup as the FirmwareInstaller, a sandbox
// installer, and the three update strategies. Test support is in `@nerves-hub-ts/firmware-fwup/testing`.
export { type FileInstaller, type FwupInstallerOptions, fwupInstaller } from "./fwup-installer.js";
export { HttpDownloader, type HttpDownloaderOptions } from "./http-downloader.js";
export { type SandboxInstallerOptions, sandboxInstaller } from "./sandbox-installer.js";
export { type CachingStrategyOptions, cachingStrategy } from "./strategies/caching.js";
export { type PartsStrategyOptions, partsStrategy } from "./strategies/parts.js";
export { type StreamingStrategyOptions, streamingStrategy } from "./strategies/streaming.js";
export type { OpenWritableFile, WritableFile } from "./writable-file.js";
