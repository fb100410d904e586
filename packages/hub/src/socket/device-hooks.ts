// What a device connection reports to the hub: channel lookup, liveness, joins and leaves, and the
// events they become. A class, so each of thousands of connections holds one object, not nine closures.
import type { ExtensionName } from "@nerves-hub-ts/protocol";
import { ConsoleChannel } from "../channels/console-channel.js";
import { DeviceChannel } from "../channels/device-channel.js";
import { ExtensionsChannel } from "../channels/extensions-channel.js";
import type { HubCore } from "../core.js";
import type { DeviceRecord } from "../devices/device-record.js";
import type { Channel } from "./channel.js";
import type { ConnectionHooks, DeviceConnection } from "./device-connection.js";

export class DeviceHooks implements ConnectionHooks {
  /** Set once the connection exists (it needs these hooks to be built). */
  connection: DeviceConnection | undefined;

  constructor(
    private readonly core: HubCore,
    private readonly device: DeviceRecord,
    private readonly allowedExtensions: ReadonlySet<ExtensionName>,
  ) {}

  channelFor(topic: string, connection: DeviceConnection): Channel | undefined {
    if (topic === "device") return new DeviceChannel(this.core, this.device, connection);
    if (topic === "console") return new ConsoleChannel(this.core, this.device);
    if (topic === "extensions")
      return new ExtensionsChannel(this.core, this.device, connection, this.allowedExtensions);
    return undefined;
  }

  violation(topic: string, event: string, reason: string): void {
    this.core.violation(this.device, topic, event, reason);
  }

  seen(): void {
    this.device.lastSeenAt = this.core.now();
  }

  joined(topic: string, params: unknown): void {
    this.#topicsChanged();
    this.core.emit({
      type: "joined",
      at: this.core.now(),
      identifier: this.device.identifier,
      topic,
      params,
    });
  }

  left(topic: string): void {
    this.#topicsChanged();
    this.core.emit({ type: "left", at: this.core.now(), identifier: this.device.identifier, topic });
  }

  crashed(topic: string, reason: string): void {
    this.#topicsChanged();
    const at = this.core.now();
    this.core.emit({ type: "channel_crash", at, identifier: this.device.identifier, topic, reason });
  }

  pushed(topic: string, event: string, payload: unknown): void {
    const at = this.core.now();
    this.core.emit({ type: "pushed", at, identifier: this.device.identifier, topic, event, payload });
  }

  closed(code: number, reason: string): void {
    const { core, device } = this;
    core.log.info({ device: device.identifier, code, reason }, "device disconnected");
    // A newer connection of the same device may already have replaced this one.
    if (this.connection && core.live.get(device.identifier)?.connection === this.connection) {
      core.live.delete(device.identifier);
      device.connected = false;
      device.joinedTopics = [];
      device.disconnectedAt = core.now();
    }
    core.emit({ type: "disconnected", at: core.now(), identifier: device.identifier, code });
  }

  #topicsChanged(): void {
    if (this.connection) this.device.joinedTopics = this.connection.joinedTopics;
  }
}
