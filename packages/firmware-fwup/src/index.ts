export { type ContentRange, parseContentRange, rangeHeader } from "./content-range.js";
export { type FwupArgsOptions, fwupArgs } from "./fwup-args.js";
export {
  END_OF_INPUT,
  encodeRecord,
  type FwupOutput,
  FwupOutputParser,
  FwupProtocolError,
  frameHeader,
} from "./fwup-framing.js";
export {
  type FileInstaller,
  type FwupInstallerOptions,
  fwupInstaller,
  installsFromFile,
} from "./fwup-installer.js";
export { FwupRunner, type FwupRunnerOptions } from "./fwup-runner.js";
export { HttpDownloader, type HttpDownloaderOptions } from "./http-downloader.js";
export { redactUrl } from "./redact.js";
export { type SandboxInstallerOptions, sandboxInstaller } from "./sandbox-installer.js";
export { CACHE_FOLDER } from "./strategies/cache-files.js";
export { type CachingStrategyOptions, cachingStrategy } from "./strategies/caching.js";
export { PARTS_STORAGE_KEY, type PartsStrategyOptions, partsStrategy } from "./strategies/parts.js";
export { type StreamingStrategyOptions, streamingStrategy } from "./strategies/streaming.js";
export { HOLD_BACK_BYTES } from "./strategies/verified-install.js";
export { type OpenWritableFile, openNodeFile, type WritableFile } from "./writable-file.js";
