// One contract suite per port. Each registers vitest tests for the implementation a fixture
// builds; every double and adapter in this repository runs the suite of the port it implements.
export { type ClockFixture, clockContract, type RandomFixture, randomContract } from "./clock.js";
export { type DownloaderFixture, downloaderContract } from "./downloader.js";
export { type InstallerFixture, installerContract } from "./firmware-installer.js";
export { type IdentityFixture, identityContract } from "./identity.js";
export { type NetworkProbeFixture, networkProbeContract } from "./network-probe.js";
export { type StorageFixture, storageContract } from "./storage.js";
export {
  type JoinSpec,
  type TransportFixture,
  type TransportPeer,
  transportContract,
} from "./transport.js";
