// What a scenario asks of the hub besides device connections: upload a release, deploy it, drop
// every connection, slow downloads down, and read back what the hub recorded.

/** Release metadata as the hub stores it. */
export interface ReleaseMeta {
  version: string;
  product: string;
  platform: string;
  architecture: string;
  description: string;
}

/** A firmware the hub can offer. */
export interface HubRelease {
  uuid: string;
  version: string;
  size: number;
}

/** One device as the hub sees it. */
export interface HubDeviceView {
  identifier: string;
  connected: boolean;
  firmwareUuid: string | null;
  firmwareVersion: string | null;
  completedUpdates: number;
}

/** What both hubs report of a device (the hub's device record, or its JSON from the operator API). */
export interface HubDeviceRecord {
  identifier: string;
  connected: boolean;
  firmware: { uuid: string | null; version: string | null } | null;
  completedUpdateCount: number;
}

export function deviceView(d: HubDeviceRecord): HubDeviceView {
  return {
    identifier: d.identifier,
    connected: d.connected,
    firmwareUuid: d.firmware?.uuid ?? null,
    firmwareVersion: d.firmware?.version ?? null,
    completedUpdates: d.completedUpdateCount,
  };
}

export interface HubControl {
  addFirmware(bytes: Uint8Array, meta: ReleaseMeta): Promise<HubRelease>;
  /** Offers the release to every joined device; resolves with how many got the `update` push. */
  deployToAll(uuid: string): Promise<number>;
  /** Closes every device socket (1012, a draining node); resolves with how many were closed. */
  dropAll(): Promise<number>;
  /** Throttles downloads of this release (the demo uses it so progress is watchable). */
  throttleDownloads(uuid: string, bytesPerSecond: number): Promise<void>;
  devices(): Promise<HubDeviceView[]>;
}

/** The hub has no operator API the simulator can use (not this project's hub, or no token given). */
export class NoHubControlError extends Error {
  override readonly name = "NoHubControlError";
  constructor(scenario: string) {
    super(
      `the ${scenario} scenario needs the hub's operator API: pass --operator-url and --operator-token ` +
        "(printed by `nerves-hub-dev serve`), or leave out --hub to use the embedded hub",
    );
  }
}

/** An operator API call failed. */
export class HubControlError extends Error {
  override readonly name = "HubControlError";
}
