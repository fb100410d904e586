// An in-memory world for device and fleet tests: the link's MemoryTransport as the hub, a
// ManualClock, and an update strategy the test settles by hand.
import { ManualClock, MemoryTransport, SequenceRandom } from "@nerves-hub-ts/link/testing";
import type { UpdateJob, UpdateStrategy } from "@nerves-hub-ts/ports";
import type { UpdateOutcome } from "@nerves-hub-ts/update";
import type { DeviceEnvironment, DeviceEvent, SimulatedDevice } from "../simulated-device.js";

/** A valid-looking base64 Ed25519 public key. */
export const SIGNING_KEY = btoa("k".repeat(32));

export class HandStrategy implements UpdateStrategy {
  readonly name = "hand";
  readonly jobs: { job: UpdateJob; settle: (o: UpdateOutcome) => void }[] = [];
  run(job: UpdateJob): Promise<UpdateOutcome> {
    return new Promise((settle) => this.jobs.push({ job, settle }));
  }
}

export interface MemoryWorld {
  env: Omit<DeviceEnvironment, "observe">;
  transport: MemoryTransport;
  clock: ManualClock;
  strategy: HandStrategy;
  events: { device: string; event: DeviceEvent }[];
  observe(device: SimulatedDevice, event: DeviceEvent): void;
}

export function memoryWorld(options: { rebootDelayMs?: number } = {}): MemoryWorld {
  const transport = new MemoryTransport();
  const clock = new ManualClock();
  const strategy = new HandStrategy();
  const events: MemoryWorld["events"] = [];
  return {
    transport,
    clock,
    strategy,
    events,
    observe: (device, event) => events.push({ device: device.identifier, event }),
    env: {
      link: { host: "wss://hub.test", compress: false },
      transport,
      clock,
      random: new SequenceRandom([0.5]),
      strategy,
      publicKeys: [SIGNING_KEY],
      rebootDelayMs: options.rebootDelayMs ?? 0,
    },
  };
}

/** Lets pending promise callbacks run (no timers involved). */
export const flush = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
};

/** An `update` offer as the hub sends it. */
export function updateOffer(uuid: string, version: string): Record<string, unknown> {
  return {
    update_available: true,
    firmware_url: `https://hub.test/firmware/${uuid}.fw?sig=secret`,
    firmware_meta: { uuid, version, product: "simulator", platform: "sim", architecture: "generic" },
    size: 1024,
    deployment_id: 1,
  };
}
