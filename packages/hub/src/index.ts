// A NervesHub-compatible server for tests, demos and local development. The test kit (one way to
// start a test hub, one firmware fixture) is in `@nerves-hub-ts/hub/testing`.
export type { RateLimit } from "./auth/attempt-limiter.js";
export {
  DEFAULT_SHARED_SECRET_LIMITS,
  HubKeyError,
  type SharedSecretLimits,
} from "./auth/shared-secret-auth.js";
export { HubCertificateError, type RegisterCaOptions } from "./auth/signer-cas.js";
export { type Clock, HubDeviceError, HubScriptError } from "./core.js";
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
} from "./firmware/store.js";
export { type DeployResult, type DeviceSnapshot, Hub, type HubOptions, startHub } from "./hub.js";
export type { UpdatePayload } from "./update-payload.js";
