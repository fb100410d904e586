// The device link core: DeviceLink orchestration over the ports in @nerves-hub-ts/ports.
// In-memory doubles for tests and simulations are in `@nerves-hub-ts/link/testing`.
export {
  type BackoffConfig,
  ConfigError,
  type Configurator,
  type LinkConfig,
  type ResolvedLinkConfig,
  resolveConfig,
} from "./config.js";
export {
  createDeviceLink,
  type DeviceLink,
  type DeviceLinkPorts,
  type UpdateHandlerPorts,
} from "./device-link.js";
export { parseHttpDate } from "./http-date.js";
export type { LinkError, LinkErrorKind, LinkEvent, LinkState, LinkStatus } from "./link-state.js";
export { MemoryAlarms } from "./memory-alarms.js";
export { StaticFirmwareMetadata } from "./static-firmware-metadata.js";
export { UpdateController, type UpdateControllerOptions } from "./updates/update-controller.js";
export { type UpdateControllerSettings, updateController } from "./updates/update-controller-factory.js";
