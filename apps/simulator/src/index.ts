// The simulator's public face: run a scenario programmatically (tests, benchmarks) or compose your own.
export {
  type CliSettings,
  parseCli,
  SCENARIOS,
  type ScenarioName,
  SimulatorUsageError,
  USAGE,
} from "./cli-args.js";
export {
  type FirmwareFacts,
  generateFirmwareImage,
  initialFirmware,
  nextMinorVersion,
} from "./firmware-facts.js";
export { Fleet, type FleetCounts, type FleetOptions, type RampReport } from "./fleet.js";
export { type EmbeddedHub, freshSigningKey, startEmbeddedHub } from "./hub/embedded-hub.js";
export {
  type HubControl,
  HubControlError,
  type HubDeviceView,
  type HubRelease,
  NoHubControlError,
} from "./hub/hub-control.js";
export { operatorApiControl } from "./hub/operator-api-control.js";
export { certificateIdentities, type IdentitySource, sharedSecretIdentities } from "./identities.js";
export { runSimulator } from "./run.js";
export { demo } from "./scenarios/demo.js";
export { type DeployOutcome, deployRelease, rollout } from "./scenarios/rollout.js";
export { runScenario, type ScenarioSettings } from "./scenarios/run-scenario.js";
export { bringOnline, type ScenarioContext, type ScenarioReport } from "./scenarios/scenario.js";
export { soak } from "./scenarios/soak.js";
export { storm } from "./scenarios/storm.js";
export { type DeviceEvent, type DevicePhase, SimulatedDevice } from "./simulated-device.js";
export {
  DEFAULT_OPTIONS,
  openSimulation,
  type RemoteHub,
  type Simulation,
  type SimulationOptions,
  SimulatorConfigError,
} from "./simulation.js";
export { percentile, Reservoir } from "./stats.js";
export { LiveView, type ViewOutput } from "./view/live-view.js";
export { type Align, renderTable } from "./view/table.js";
