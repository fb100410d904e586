export type { RateLimit } from "./auth/attempt-limiter.js";
export type { CertificateRefusal } from "./auth/certificate-auth.js";
export {
  DEFAULT_SHARED_SECRET_LIMITS,
  HubKeyError,
  type SharedSecretLimits,
} from "./auth/shared-secret-auth.js";
export { HubCertificateError, type RegisterCaOptions } from "./auth/signer-cas.js";
export { type Clock, HubDeviceError, HubScriptError } from "./core.js";
export type {
  ArchiveAssignment,
  CompletedUpdate,
  DeviceRecord,
  InFlightUpdate,
  ProtocolViolation,
  ReportedFirmware,
  StoredCertificate,
  ValidationStatus,
} from "./devices/device-record.js";
export {
  type DeviceReportEvent,
  type HubEvent,
  HubEventsOverflowError,
  type HubEventType,
} from "./events.js";
export type { FaultTarget, FirmwareFault } from "./firmware/faults.js";
export {
  type FirmwareMeta,
  type FirmwareMetaInput,
  type FirmwareRecord,
  HubFirmwareError,
  PART_SIZE,
} from "./firmware/store.js";
export { DOCS_URL } from "./http/plain-routes.js";
export { NO_AUTH_REASON, PLATFORM_UNAVAILABLE_REASON } from "./http/upgrade-rejection.js";
export { type DeployResult, type DeviceSnapshot, Hub, type HubOptions, startHub } from "./hub.js";
export { CloseCode } from "./socket/device-connection.js";
export { NO_UPDATE, type UpdatePayload } from "./update-payload.js";
