// In-memory doubles of every port the link uses, for tests and simulations. Each double of a port
// with a suite in @nerves-hub-ts/port-contracts passes it (its *.contract.test.ts), so it behaves
// like the real adapters, which pass the same suite.
export { ManualClock, SequenceRandom } from "./doubles/manual-clock.js";
export { MemoryExtension } from "./doubles/memory-extension.js";
export { type LogLine, MemoryLogger } from "./doubles/memory-logger.js";
export { MemoryNetworkProbe } from "./doubles/memory-network-probe.js";
export { MemoryStorage } from "./doubles/memory-storage.js";
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
export {
  type MemoryInstall,
  MemoryInstaller,
  type MemoryInstallerOptions,
} from "./updates/memory-installer.js";
