import {
  createDeviceLink,
  type DeviceLink,
  type LinkConfig,
  type LinkEvent,
  type LinkState,
  StaticFirmwareMetadata,
} from "@nerves-hub-ts/link";
import { MemoryLogger } from "@nerves-hub-ts/link/testing";
import { nodeClock, nodeRandom, tcpNetworkProbe } from "@nerves-hub-ts/platform-node";
import type { Client, Extension, Identity } from "@nerves-hub-ts/ports";
import { wsTransport } from "../ws-transport.js";

export const FIRMWARE = {
  nerves_fw_uuid: "11111111-1111-1111-1111-111111111111",
  nerves_fw_product: "widget",
  nerves_fw_version: "1.0.0",
  nerves_fw_platform: "rpi4",
  nerves_fw_architecture: "arm",
  nerves_fw_author: "ACME",
};

export interface TestDevice {
  link: DeviceLink;
  logger: MemoryLogger;
  events: LinkEvent[];
  /** Resolves with the first event (past or future) matching `predicate`. */
  waitFor(predicate: (event: LinkEvent) => boolean, timeoutMs?: number): Promise<LinkEvent>;
  /** Resolves once the state matches `predicate`: now, or at a later state change. */
  waitState(predicate: (state: LinkState) => boolean, timeoutMs?: number): Promise<LinkState>;
}

/** A DeviceLink over the real ws transport with Node ports; the logger captures everything. */
export function startDevice(options: {
  identity: Identity;
  config: LinkConfig;
  client?: Client;
  logger?: MemoryLogger;
  extensions?: Extension[];
}): TestDevice {
  const logger = options.logger ?? new MemoryLogger();
  const link = createDeviceLink(
    { connectWaitForNetwork: false, ...options.config },
    {
      transport: wsTransport({ logger }),
      identity: options.identity,
      firmware: new StaticFirmwareMetadata(FIRMWARE, "1.13.2"),
      clock: nodeClock,
      random: nodeRandom,
      logger,
      networkProbe: tcpNetworkProbe(),
      client: options.client,
      extensions: options.extensions,
    },
  );
  const events: LinkEvent[] = [];
  const waiters = new Set<(event: LinkEvent) => void>();
  link.subscribe((event) => {
    events.push(event);
    for (const w of [...waiters]) w(event);
  });
  const waitFor = (predicate: (event: LinkEvent) => boolean, timeoutMs = 5000) =>
    new Promise<LinkEvent>((resolve, reject) => {
      const past = events.find(predicate);
      if (past) return resolve(past);
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting; state ${JSON.stringify(link.state())}`));
      }, timeoutMs);
      const check = (event: LinkEvent) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(event);
      };
      waiters.add(check);
    });
  const waitState = (predicate: (state: LinkState) => boolean, timeoutMs = 5000) =>
    new Promise<LinkState>((resolve, reject) => {
      if (predicate(link.state())) return resolve(link.state());
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting; state ${JSON.stringify(link.state())}`));
      }, timeoutMs);
      const check = (event: LinkEvent) => {
        if (event.type !== "state" || !predicate(event.state)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(event.state);
      };
      waiters.add(check);
    });
  link.start();
  return { link, logger, events, waitFor, waitState };
}
