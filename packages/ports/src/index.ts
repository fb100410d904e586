// The ports of the device agent: what the core (link) needs from the outside world, and nothing
// else. Adapters implement these; the contract suites in @nerves-hub-ts/port-contracts check them.
export { AlarmId, type Alarms } from "./alarms.js";
export type { Client, FwupMessage, UpdateDecision, UpdateOffer } from "./client.js";
export type { Clock, Random, TimerHandle } from "./clock.js";
export type { Extension, ExtensionPush } from "./extension.js";
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
} from "./firmware.js";
export type { FirmwareMetadata } from "./firmware-metadata.js";
export {
  type Credentials,
  type Identity,
  IdentityError,
  type SigningHint,
  type SocketPath,
  type TlsCredentials,
} from "./identity.js";
export { type LogFields, type Logger, silentLogger } from "./logger.js";
export type { NetworkProbe, ProbeTarget } from "./network-probe.js";
export type { Sha256, Sha256Factory } from "./sha256.js";
export type { Storage } from "./storage.js";
export { MAX_TIMER_DELAY_MS, timerDelayMs } from "./timer-delay.js";
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
} from "./transport.js";
export type { Push, UpdateEvent, UpdateHandler } from "./updates.js";
