// The Node implementations of the ports that are not protocol adapters: time, randomness, the
// network probe, SHA-256, storage, logging and the running firmware's metadata.
export { nodeClock, nodeRandom } from "./clock.js";
export { type FirmwareSource, FirmwareSourceError } from "./firmware/firmware-source.js";
export { type FwPrintenvOptions, fwPrintenvSource, readUbootEnv } from "./firmware/fw-printenv-source.js";
export { fwupVersionProbe } from "./firmware/fwup-version.js";
export { type MetadataFileOptions, metadataFileSource } from "./firmware/metadata-file-source.js";
export { JsonFileStorage, StorageError } from "./json-file-storage.js";
export { interfaceOwning, tcpNetworkProbe } from "./network-probe.js";
export { type AgentLogger, pinoLogger } from "./pino-logger.js";
export { nodeSha256 } from "./sha256.js";
export { CommandError, runShell, type ShellOptions, shellQuote } from "./shell.js";
