import type { Client, Extension, Identity } from "@nerves-hub-ts/ports";
import type { LinkConfig } from "../config.js";
import { createDeviceLink, type DeviceLink, type DeviceLinkPorts } from "../device-link.js";
import { ManualClock, SequenceRandom } from "../doubles/manual-clock.js";
import { MemoryLogger } from "../doubles/memory-logger.js";
import { MemoryNetworkProbe } from "../doubles/memory-network-probe.js";
import { MemoryTransport } from "../doubles/memory-transport.js";
import { StaticIdentity } from "../doubles/static-identity.js";
import type { LinkEvent } from "../link-state.js";
import { MemoryAlarms } from "../memory-alarms.js";
import { StaticFirmwareMetadata } from "../static-firmware-metadata.js";

export const FIRMWARE = {
  nerves_fw_uuid: "8a8b902c-d1a9-58aa-6111-04ab57c2f2a8",
  nerves_fw_product: "demo",
  nerves_fw_version: "1.4.0",
  nerves_fw_platform: "rpi4",
  nerves_fw_architecture: "arm",
};

/** Lets every pending promise chain run (real macrotask turn; the link's own time is the ManualClock). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
}

export interface Harness {
  link: DeviceLink;
  transport: MemoryTransport;
  clock: ManualClock;
  logger: MemoryLogger;
  alarms: MemoryAlarms;
  identity: Identity;
  probe: MemoryNetworkProbe;
  events: LinkEvent[];
}

export interface HarnessOptions {
  config?: LinkConfig;
  random?: number[];
  identity?: Identity;
  client?: Client;
  updates?: DeviceLinkPorts["updates"];
  extensions?: Extension[];
  probe?: MemoryNetworkProbe;
  transport?: MemoryTransport;
}

/** A link wired to in-memory doubles. Network wait is off unless the config turns it on. */
export function harness(options: HarnessOptions = {}): Harness {
  const transport = options.transport ?? new MemoryTransport();
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const alarms = new MemoryAlarms();
  const identity = options.identity ?? new StaticIdentity();
  const probe = options.probe ?? new MemoryNetworkProbe();
  const link = createDeviceLink(
    { host: "hub.test", connectWaitForNetwork: false, ...options.config },
    {
      transport,
      identity,
      firmware: new StaticFirmwareMetadata(FIRMWARE, "1.13.2"),
      clock,
      random: new SequenceRandom(options.random ?? [0]),
      logger,
      alarms,
      networkProbe: probe,
      client: options.client,
      updates: options.updates,
      extensions: options.extensions,
    },
  );
  const events: LinkEvent[] = [];
  link.subscribe((e) => events.push(e));
  return { link, transport, clock, logger, alarms, identity, probe, events };
}

/** Runs the next pending timer and lets the attempt it starts finish; returns how long it waited. */
export async function nextAttempt(h: Harness): Promise<number | undefined> {
  const waited = h.clock.runNext();
  await settle();
  return waited;
}

/** Starts the link and lets it connect and join `device`. */
export async function startJoined(h: Harness): Promise<void> {
  h.link.start();
  await settle();
}
