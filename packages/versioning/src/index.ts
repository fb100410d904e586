export {
  AGENT_CONSOLE_VERSION,
  AGENT_DEVICE_API_VERSION,
  CONSOLE_FILE_TRANSFER,
  DEFAULT_DEVICE_API_VERSION,
  type DeviceFeature,
  EXTENSION_REQUIREMENT,
  effectiveApiVersion,
  extensionVersionAccepted,
  FEATURE_THRESHOLDS,
  supports,
  supportsConsoleFileTransfer,
} from "./features.js";
export { compareSemVer, formatSemVer, matchesPessimistic, parseSemVer, type SemVer } from "./semver.js";
