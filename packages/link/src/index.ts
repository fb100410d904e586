export { AlarmId, type Alarms, MemoryAlarms } from "./ports/alarms.js";
export type { Client, FwupMessage, UpdateDecision, UpdateOffer } from "./ports/client.js";
export type { Clock, Random, TimerHandle } from "./ports/clock.js";
export type { Credentials, Identity, SigningHint, SocketPath, TlsCredentials } from "./ports/identity.js";
export { IdentityError } from "./ports/identity.js";
export type { LogFields, Logger } from "./ports/logger.js";
export { silentLogger } from "./ports/logger.js";
export { MemoryStorage, type Storage } from "./ports/storage.js";
export * from "./updates/index.js";
