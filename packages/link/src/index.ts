export { type BackoffPolicy, backoffSteps, exponentialBackoff, listBackoff } from "./backoff.js";
export { CLOCK_SKEW_WARN_MS } from "./clock-hint.js";
export {
  type BackoffConfig,
  ConfigError,
  type Configurator,
  type LinkConfig,
  type ResolvedLinkConfig,
  resolveConfig,
  type SharedSecretConfig,
} from "./config.js";
export { createDeviceLink, type DeviceLink, type DeviceLinkPorts } from "./device-link.js";
export { ManualClock, SequenceRandom } from "./doubles/manual-clock.js";
export { MemoryExtension } from "./doubles/memory-extension.js";
export { type LogLine, MemoryLogger } from "./doubles/memory-logger.js";
export {
  type ConnectOutcome,
  type JoinOutcome,
  MemoryConnection,
  MemoryTransport,
  type Pushed,
} from "./doubles/memory-transport.js";
export { MemoryUpdateHandler } from "./doubles/memory-update-handler.js";
export { RecordingClient } from "./doubles/recording-client.js";
export { StaticIdentity } from "./doubles/static-identity.js";
export { parseHttpDate } from "./http-date.js";
export type { LinkError, LinkErrorKind, LinkEvent, LinkState, LinkStatus } from "./link-state.js";
export { AlarmId, type Alarms, MemoryAlarms } from "./ports/alarms.js";
export type { Client, FwupMessage, UpdateDecision, UpdateOffer } from "./ports/client.js";
export type { Clock, Random, TimerHandle } from "./ports/clock.js";
export type { Extension, ExtensionPush } from "./ports/extension.js";
export { type FirmwareMetadata, StaticFirmwareMetadata } from "./ports/firmware-metadata.js";
export type { Credentials, Identity, SigningHint, SocketPath, TlsCredentials } from "./ports/identity.js";
export { IdentityError } from "./ports/identity.js";
export type { LogFields, Logger } from "./ports/logger.js";
export { silentLogger } from "./ports/logger.js";
export { MemoryNetworkProbe, type NetworkProbe, type ProbeTarget } from "./ports/network-probe.js";
export { MemoryStorage, type Storage } from "./ports/storage.js";
export {
  type Channel,
  type CloseInfo,
  ConnectError,
  type ConnectErrorKind,
  type Connection,
  type ConnectRequest,
  JoinError,
  type PushReply,
  type TlsOptions,
  type TopicHandlers,
  type Transport,
} from "./ports/transport.js";
export type { Push, UpdateEvent, UpdateHandler } from "./ports/updates.js";
export { MAX_TIMER_DELAY_MS, timerDelayMs } from "./timer-delay.js";
export * from "./updates/index.js";
