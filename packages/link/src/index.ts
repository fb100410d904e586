export type { Clock, Random, TimerHandle } from "./ports/clock.js";
export type { Credentials, Identity, SigningHint, SocketPath, TlsCredentials } from "./ports/identity.js";
export { IdentityError } from "./ports/identity.js";
export type { LogFields, Logger } from "./ports/logger.js";
export { silentLogger } from "./ports/logger.js";
