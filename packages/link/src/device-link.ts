// The DeviceLink: keeps one websocket to the hub, joins `device` (and `console`, `extensions`),
// routes what arrives and reconnects with backoff. Time, randomness and I/O come through ports.
// This file only puts the parts together; each part lives in its own file.

import type {
  Alarms,
  Client,
  Clock,
  Connection,
  Extension,
  FirmwareMetadata,
  Identity,
  NetworkProbe,
  Push,
  Random,
  Transport,
  UpdateHandler,
} from "@nerves-hub-ts/ports";
import { type Logger, silentLogger } from "@nerves-hub-ts/ports";
import { consoleJoinParams, type Outgoing } from "@nerves-hub-ts/protocol";
import type { BackoffPolicy } from "./backoff.js";
import { ClientCalls } from "./client-calls.js";
import { type Configurator, type LinkConfig, type ResolvedLinkConfig, resolveConfig } from "./config.js";
import { createConsoleSession } from "./console-session.js";
import { DeviceMessages } from "./device-messages.js";
import { DeviceSession } from "./device-session.js";
import { ExtensionsHost } from "./extensions-host.js";
import { createExtensionsSession } from "./extensions-session.js";
import type { LinkContext } from "./link-context.js";
import { LinkEvents } from "./link-events.js";
import type { LinkEvent, LinkState } from "./link-state.js";
import { MemoryAlarms } from "./memory-alarms.js";
import { ReconnectLoop } from "./reconnect-loop.js";
import type { TopicSession } from "./topic-session.js";
import { WarnOnce } from "./warn-once.js";

/** Everything the link needs from the outside world. */
export interface DeviceLinkPorts {
  transport: Transport;
  identity: Identity;
  firmware: FirmwareMetadata;
  clock: Clock;
  random: Random;
  logger?: Logger;
  alarms?: Alarms;
  /** Waits for the network before the first attempt and names the interface; optional. */
  networkProbe?: NetworkProbe;
  client?: Client;
  /**
   * The update subsystem, or a factory that receives the Push it should report through and the
   * link's own ports (see `updateController`).
   */
  updates?: UpdateHandler | ((push: Push, ports: UpdateHandlerPorts) => UpdateHandler);
  extensions?: Extension[];
  /** Adjusts the resolved config once (nerves_hub_link's Configurator). */
  configurator?: Configurator;
  /** Replaces the reconnect delay policy. */
  backoff?: BackoffPolicy;
}

/** The ports the link shares with the update handler it builds. */
export interface UpdateHandlerPorts {
  clock: Clock;
  alarms: Alarms;
  logger: Logger;
  client?: Client;
}

/** The running link, as apps see it. */
export interface DeviceLink {
  readonly config: ResolvedLinkConfig;
  readonly updates?: UpdateHandler;
  /** Starts connecting (after the network wait). Does nothing when `connect` is false. */
  start(): void;
  /**
   * Stops gracefully: leaves every joined topic (waiting up to 1 s for the hub's acknowledgement),
   * closes the websocket normally (code 1000), cancels every timer and stops the update handler.
   */
  stop(): Promise<void>;
  state(): LinkState;
  /** Listens to state changes, errors, server messages and clock warnings; returns unsubscribe. */
  subscribe(listener: (event: LinkEvent) => void): () => void;
  /** Drops the current connection (or pending wait) and connects again right away. */
  reconnect(): void;
  /** Pushes on a joined topic; false (dropped, like nerves_hub_link) when that topic is not joined. */
  push(message: Outgoing): boolean;
  /**
   * Asks `client.firmwareValidated()` now; when the hub was told the firmware is not validated and
   * now it is, pushes `firmware_validated` at once instead of at the next 10 s poll. Resolves with
   * the Client's answer. Call it right after marking the firmware valid.
   */
  checkFirmwareValidated(): Promise<boolean>;
}

/** Builds a DeviceLink; throws a ConfigError for a bad config. */
export function createDeviceLink(config: LinkConfig, ports: DeviceLinkPorts): DeviceLink {
  return new Link(resolveConfig(config, ports.configurator), ports);
}

class Link implements DeviceLink {
  readonly config: ResolvedLinkConfig;
  readonly updates?: UpdateHandler;
  private readonly ctx: LinkContext;
  private readonly loop: ReconnectLoop;
  private readonly device: DeviceSession;
  private readonly console?: TopicSession;
  private readonly extensions: TopicSession;
  private readonly extHost: ExtensionsHost;
  private started = false;
  private stopping?: Promise<void>;

  constructor(config: ResolvedLinkConfig, ports: DeviceLinkPorts) {
    this.config = config;
    const log = ports.logger ?? silentLogger;
    const warnOnce = new WarnOnce(log);
    const ctx: LinkContext = {
      config,
      clock: ports.clock,
      log,
      warnOnce,
      alarms: ports.alarms ?? new MemoryAlarms(),
      client: new ClientCalls(ports.client ?? {}, log),
      events: new LinkEvents(log, () => ({
        device: this.device.joined,
        console: this.console?.joined ?? false,
        extensions: this.extensions.joined,
      })),
    };
    this.ctx = ctx;
    const push: Push = (message) => this.push(message);
    this.updates =
      typeof ports.updates === "function"
        ? ports.updates(push, {
            clock: ports.clock,
            alarms: ctx.alarms,
            logger: log,
            ...(ports.client ? { client: ports.client } : {}),
          })
        : ports.updates;

    this.loop = new ReconnectLoop(ctx, ports, {
      connected: (conn) => void this.joinTopics(conn),
      dropped: () => this.dropTopics(),
    });
    const messages = new DeviceMessages(ctx, this.updates, push, () => this.joinExtensions());
    this.device = new DeviceSession(ctx, ports, this.updates, {
      connection: () => this.loop.connection,
      joined: () => this.loop.deviceJoined(),
      lost: () => this.loop.deviceLost(),
      message: (event, payload) => messages.handle(event, payload),
    });
    if (config.remoteConsole) this.console = createConsoleSession(ctx);
    this.extHost = new ExtensionsHost(ports.extensions ?? [], config.extensions, log, warnOnce);
    this.extensions = createExtensionsSession(ctx, this.extHost);
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    if (!this.config.connect) {
      this.ctx.log.info("connect is false: the link stays offline");
      return;
    }
    void this.device.checkAutoRevert();
    this.loop.start();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  state(): LinkState {
    return this.ctx.events.state();
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    return this.ctx.events.subscribe(listener);
  }

  reconnect(): void {
    if (!this.started || !this.config.connect || this.stopping) return;
    this.loop.reconnect();
  }

  push(message: Outgoing): boolean {
    const session =
      message.topic === "device"
        ? this.device
        : message.topic === "console"
          ? this.console
          : message.topic === "extensions"
            ? this.extensions
            : undefined;
    return session?.push(message.event, message.payload) ?? false;
  }

  checkFirmwareValidated(): Promise<boolean> {
    return this.device.checkFirmwareValidated();
  }

  private async shutDown(): Promise<void> {
    await this.loop.stop(() => this.leaveTopics());
    await this.updates?.stop();
  }

  /** A graceful stop leaves every joined topic before the connection closes. */
  private async leaveTopics(): Promise<void> {
    await Promise.all([this.device.leave(), this.console?.leave(), this.extensions.leave()]);
  }

  /** A connection opened: join device once its params are gathered, then console. */
  private async joinTopics(conn: Connection): Promise<void> {
    const params = await this.device.joinParams();
    if (conn !== this.loop.connection) return;
    this.device.join(conn, params);
    this.console?.join(conn, consoleJoinParams());
  }

  /** The connection is gone, and every topic on it. */
  private dropTopics(): void {
    this.device.dropped();
    this.console?.reset();
    this.extensions.reset();
    this.extHost.detachAll();
  }

  /** The hub sent `extensions:get`. */
  private joinExtensions(): void {
    const conn = this.loop.connection;
    if (conn) this.extHost.join(conn);
  }
}
