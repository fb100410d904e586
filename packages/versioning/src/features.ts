import { compareSemVer, matchesPessimistic, parseSemVer, type SemVer } from "./semver.js";

/** The version the server assumes when `device_api_version` is missing or unparseable. */
export const DEFAULT_DEVICE_API_VERSION = "1.0.0";

/** Thresholds the real server gates its behaviour on (hub-server.md §3.2, device-client.md §10). */
export const FEATURE_THRESHOLDS = {
  /** `archive` pushes. */
  archives: "2.0.0",
  /** `scripts/run` support scripts and connecting code as a script. */
  scripts: "2.1.0",
  /** `extensions:get` after join. */
  extensions: "2.2.0",
  /** `meta.firmware_validated` and the `firmware_validated` push. */
  firmwareValidation: "2.3.0",
} as const;
export type DeviceFeature = keyof typeof FEATURE_THRESHOLDS;

/** Console file transfer (`file-data/*`) needs this console_version. */
export const CONSOLE_FILE_TRANSFER = "2.0.0";

/** Extension versions the server accepts: `~> 0.0.1`. */
export const EXTENSION_REQUIREMENT = "0.0.1";

const must = (text: string): SemVer => parseSemVer(text) as SemVer;

/** The device_api_version as the server reads it: missing or unparseable means 1.0.0. */
export function effectiveApiVersion(reported: unknown): SemVer {
  return parseSemVer(reported) ?? must(DEFAULT_DEVICE_API_VERSION);
}

/** Does a device reporting `apiVersion` get `feature` from the server? */
export function supports(apiVersion: unknown, feature: DeviceFeature): boolean {
  return compareSemVer(effectiveApiVersion(apiVersion), must(FEATURE_THRESHOLDS[feature])) >= 0;
}

/** Does a console at `consoleVersion` support file transfer? */
export function supportsConsoleFileTransfer(consoleVersion: unknown): boolean {
  const v = parseSemVer(consoleVersion);
  return v !== undefined && compareSemVer(v, must(CONSOLE_FILE_TRANSFER)) >= 0;
}

/** Is an extension version acceptable to the server (`~> 0.0.1`)? Non-strings are not. */
export function extensionVersionAccepted(version: unknown): boolean {
  const v = parseSemVer(version);
  return v !== undefined && matchesPessimistic(v, must(EXTENSION_REQUIREMENT));
}
