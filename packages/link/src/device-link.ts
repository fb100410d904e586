// The DeviceLink: keeps one websocket to the hub, joins `device` (and `console`, `extensions`),
// routes what arrives and reconnects with backoff. Time, randomness and I/O come through ports.
import {
  consoleJoinParams,
  decodeServerMessage,
  deviceJoinParams,
  deviceTopic,
  type Outgoing,
} from "@nerves-hub-ts/protocol";
import { type BackoffPolicy, exponentialBackoff, listBackoff } from "./backoff.js";
import { ClientCalls } from "./client-calls.js";
import { blameClock, ClockHint } from "./clock-hint.js";
import { type Configurator, type LinkConfig, type ResolvedLinkConfig, resolveConfig } from "./config.js";
import { connectRequest } from "./connect-request.js";
import { ConnectTarget } from "./connect-target.js";
import { errorText } from "./error-text.js";
import { ExtensionsHost } from "./extensions-host.js";
import { LinkEvents } from "./link-events.js";
import {
  classifyClose,
  classifyConnectError,
  type LinkError,
  type LinkEvent,
  type LinkState,
} from "./link-state.js";
import { NetworkWait, probeTarget } from "./network-wait.js";
import { AlarmId, type Alarms, MemoryAlarms } from "./ports/alarms.js";
import type { Client } from "./ports/client.js";
import type { Clock, Random, TimerHandle } from "./ports/clock.js";
import type { Extension } from "./ports/extension.js";
import type { FirmwareMetadata } from "./ports/firmware-metadata.js";
import type { Credentials, Identity } from "./ports/identity.js";
import { type Logger, silentLogger } from "./ports/logger.js";
import type { NetworkProbe } from "./ports/network-probe.js";
import { type CloseInfo, ConnectError, type Connection, type Transport } from "./ports/transport.js";
import type { Push, UpdateHandler } from "./ports/updates.js";
import { baseUrl, loggableUrl } from "./socket-url.js";
import { TopicSession } from "./topic-session.js";
import { WarnOnce } from "./warn-once.js";

/** How often an unvalidated firmware is checked again (nerves_hub_link: 10 s). */
const VALIDATION_POLL_MS = 10_000;
/** Retry naming the network interface this often while it cannot be determined. */
const INTERFACE_RETRY_MS = 60_000;
/** An attempt the transport has not settled this long after its own connect timeout is abandoned. */
const ATTEMPT_GRACE_MS = 5_000;

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
  /** The update subsystem, or a factory that receives the Push it should report through. */
  updates?: UpdateHandler | ((push: Push) => UpdateHandler);
  extensions?: Extension[];
  /** Adjusts the resolved config once (nerves_hub_link's Configurator). */
  configurator?: Configurator;
  /** Replaces the reconnect delay policy. */
  backoff?: BackoffPolicy;
}

/** The running link, as apps see it. */
export interface DeviceLink {
  readonly config: ResolvedLinkConfig;
  readonly updates?: UpdateHandler;
  /** Starts connecting (after the network wait). Does nothing when `connect` is false. */
  start(): void;
  /** Closes the connection, cancels every timer and stops the update handler. */
  stop(): Promise<void>;
  state(): LinkState;
  /** Listens to state changes, errors, server messages and clock warnings; returns unsubscribe. */
  subscribe(listener: (event: LinkEvent) => void): () => void;
  /** Drops the current connection (or pending wait) and connects again right away. */
  reconnect(): void;
  /** Pushes on a joined topic; false (dropped, like nerves_hub_link) when that topic is not joined. */
  push(message: Outgoing): boolean;
}

/** Builds a DeviceLink; throws a ConfigError for a bad config. */
export function createDeviceLink(config: LinkConfig, ports: DeviceLinkPorts): DeviceLink {
  return new Link(resolveConfig(config, ports.configurator), ports);
}

class Link implements DeviceLink {
  readonly config: ResolvedLinkConfig;
  readonly updates?: UpdateHandler;
  private readonly log: Logger;
  private readonly alarms: Alarms;
  private readonly client: ClientCalls;
  private readonly events: LinkEvents;
  private readonly backoff: BackoffPolicy;
  private readonly warnOnce: WarnOnce;
  private readonly device: TopicSession;
  private readonly console?: TopicSession;
  private readonly extensions: TopicSession;
  private readonly extHost: ExtensionsHost;
  private readonly target: ConnectTarget;
  private readonly clockHint: ClockHint;
  private readonly networkWait?: NetworkWait;

  private started = false;
  /** Bumped whenever the current attempt or connection is abandoned, so late results are ignored. */
  private generation = 0;
  private conn?: Connection;
  private attemptTimer?: TimerHandle;
  private watchdog?: TimerHandle;
  private stableTimer?: TimerHandle;
  private pollTimer?: TimerHandle;
  private interfaceTimer?: TimerHandle;
  private firmwareValidated = true;

  constructor(
    config: ResolvedLinkConfig,
    private readonly ports: DeviceLinkPorts,
  ) {
    this.config = config;
    this.log = ports.logger ?? silentLogger;
    this.alarms = ports.alarms ?? new MemoryAlarms();
    this.client = new ClientCalls(ports.client ?? {}, this.log);
    this.events = new LinkEvents(this.log, () => ({
      device: this.device.joined,
      console: this.console?.joined ?? false,
      extensions: this.extensions.joined,
    }));
    this.warnOnce = new WarnOnce(this.log);
    this.backoff =
      ports.backoff ??
      (config.socket.reconnectAfterMs
        ? listBackoff(config.socket.reconnectAfterMs)
        : exponentialBackoff(config.backoff, ports.random));
    this.target = new ConnectTarget(baseUrl(config), config.maxRedirects, this.log);
    this.clockHint = new ClockHint(ports.clock, this.log, ports.identity.kind === "shared-secret", (skewMs) =>
      this.events.emit({ type: "clock-skew", skewMs }),
    );
    if (config.connectWaitForNetwork && ports.networkProbe) {
      this.networkWait = new NetworkWait(ports.networkProbe, ports.clock, this.log, {
        waiting: (nextProbeAt) =>
          this.setState({ status: "waiting-for-network", nextAttemptAt: nextProbeAt }),
        up: () => void this.attempt(),
      });
    }
    const push: Push = (message) => this.push(message);
    this.updates = typeof ports.updates === "function" ? ports.updates(push) : ports.updates;

    const clock = ports.clock;
    this.device = new TopicSession("device", clock, config.rejoinAfterMs, {
      onMessage: (event, payload) => this.deviceMessage(event, payload),
      onJoined: () => this.deviceJoined(),
      onLost: (how, reason) => this.deviceLost(how, reason),
      onJoinFailed: (e) => {
        this.recordError({ kind: "join", message: `device join refused: ${e.message}`, at: clock.now() });
        this.log.warn("hub refused the device join; rejoining later", { reason: e.kind });
      },
    });
    if (config.remoteConsole) {
      this.console = new TopicSession("console", clock, config.rejoinAfterMs, {
        onMessage: (event, payload) => this.consoleMessage(event, payload),
        onJoined: () => this.emitState(),
        onLost: () => this.emitState(),
        onJoinFailed: (e) =>
          this.log.warn("hub refused the console join; rejoining later", { reason: e.kind }),
      });
    }
    this.extHost = new ExtensionsHost(ports.extensions ?? [], config.extensions, this.log, this.warnOnce);
    this.extensions = new TopicSession("extensions", clock, config.rejoinAfterMs, {
      onMessage: (event, payload) => {
        this.emit({ type: "message", topic: "extensions", event, payload });
        this.extHost.message(event, payload);
      },
      onJoined: (response) => {
        this.emitState();
        this.extHost.joined(response);
      },
      onLost: () => {
        this.extHost.detachAll();
        this.emitState();
      },
      onJoinFailed: (e) =>
        this.log.warn("hub refused the extensions join; rejoining later", { reason: e.kind }),
    });
    this.extHost.bind(this.extensions);
  }

  // --- public API -------------------------------------------------------------------------------

  start(): void {
    if (this.started) return;
    this.started = true;
    if (!this.config.connect) {
      this.log.info("connect is false: the link stays offline");
      return;
    }
    this.alarms.set(AlarmId.disconnected, "[]");
    void this.checkAutoRevert();
    if (this.networkWait) this.networkWait.start(probeTarget(this.config.proxy, this.target.url));
    else void this.attempt();
  }

  async stop(): Promise<void> {
    this.generation++;
    this.networkWait?.cancel();
    this.attemptTimer?.cancel();
    this.watchdog?.cancel();
    this.dropConnection();
    this.setState({ status: "stopped", nextAttemptAt: undefined, connectedSince: undefined });
    await this.updates?.stop();
  }

  state(): LinkState {
    return this.events.state();
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  reconnect(): void {
    if (!this.started || !this.config.connect || this.events.current.status === "stopped") return;
    this.log.info("reconnect requested");
    this.generation++;
    this.networkWait?.cancel();
    this.attemptTimer?.cancel();
    this.watchdog?.cancel();
    this.dropConnection();
    void this.attempt();
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

  // --- connecting ---------------------------------------------------------------------------------

  private now(): number {
    return this.ports.clock.now();
  }

  private async attempt(): Promise<void> {
    const gen = ++this.generation;
    // A watchdog, so a transport or identity that never settles cannot stall the link for good.
    this.attemptTimer = undefined;
    this.watchdog?.cancel();
    this.watchdog = this.ports.clock.setTimeout(() => {
      this.watchdog = undefined;
      if (gen !== this.generation || this.events.current.status !== "connecting") return;
      this.failed({
        kind: "timeout",
        message: "the connection attempt did not finish in time",
        at: this.now(),
      });
    }, this.config.connectTimeoutMs + ATTEMPT_GRACE_MS);
    this.setState({ status: "connecting", nextAttemptAt: undefined, url: loggableUrl(this.target.url) });
    const { identity, transport } = this.ports;
    let credentials: Credentials;
    try {
      const hint = this.clockHint.signingHint();
      credentials = await (hint ? identity.credentials(hint) : identity.credentials());
    } catch (e) {
      if (gen !== this.generation) return;
      this.failed({
        kind: "identity",
        message: `device credentials unusable: ${errorText(e)}`,
        at: this.now(),
      });
      return;
    }
    if (gen !== this.generation) return;
    const request = connectRequest(this.config, this.target, identity.kind, credentials);
    this.log.info("connecting to hub", {
      url: loggableUrl(request.url),
      auth: identity.kind,
      serializer: this.config.serializer,
      attempt: this.events.current.attempts + 1,
    });
    let conn: Connection;
    try {
      conn = await transport.connect(request);
    } catch (e) {
      if (gen !== this.generation) return;
      this.connectFailed(e instanceof ConnectError ? e : new ConnectError("closed", errorText(e)));
      return;
    }
    if (gen !== this.generation) {
      conn.close();
      return;
    }
    this.watchdog?.cancel();
    this.connected(conn, gen);
  }

  private connectFailed(e: ConnectError): void {
    const error = classifyConnectError(e, this.now());
    const skew = e.details.date !== undefined ? this.clockHint.observe(e.details.date) : undefined;
    blameClock(error, skew);
    this.target.failed(e, error);
    this.failed(error);
  }

  private failed(error: LinkError): void {
    this.watchdog?.cancel();
    this.events.update({ attempts: this.events.current.attempts + 1 });
    this.events.error(error);
    this.alarms.set(AlarmId.disconnected, `[reason: ${error.kind}]`);
    this.client.call("handleError", (c) => c.handleError?.(new Error(error.message)));
    const delay = this.backoff.delayMs(this.events.current.attempts);
    this.log.warn(`hub connection failed (${error.kind}): ${error.message}; retrying in ${delay} ms`, {
      kind: error.kind,
      status: error.status,
      code: error.code,
      attempts: this.events.current.attempts,
    });
    const gen = ++this.generation;
    this.attemptTimer = this.ports.clock.setTimeout(() => {
      if (gen === this.generation) void this.attempt();
    }, delay);
    this.setState({ status: "backing-off", nextAttemptAt: this.now() + delay, connectedSince: undefined });
  }

  // --- connected ----------------------------------------------------------------------------------

  private connected(conn: Connection, gen: number): void {
    this.conn = conn;
    this.target.connected();
    this.clockHint.forget();
    conn.onClose((info) => this.connectionLost(conn, info));
    this.alarms.clear(AlarmId.disconnected);
    this.setState({ status: "connected", connectedSince: this.now() });
    this.log.info("connected to hub", { url: this.events.current.url });
    this.client.call("connected", (c) => c.connected?.());
    void this.joinTopics(conn, gen);
  }

  private async joinTopics(conn: Connection, gen: number): Promise<void> {
    const params = await this.deviceParams();
    if (gen !== this.generation) return;
    this.device.join(conn, params);
    this.console?.join(conn, consoleJoinParams());
  }

  private async deviceParams(): Promise<Record<string, unknown>> {
    const { firmware } = this.ports;
    const [metadata, fwupVersion, validated, autoRevert] = await Promise.all([
      firmware.metadata().catch((e: unknown) => {
        this.log.error("firmware metadata unavailable; joining without it", { error: errorText(e) });
        return {};
      }),
      firmware.fwupVersion().catch(() => undefined),
      this.client.flag("firmwareValidated", true),
      this.client.flag("firmwareAutoRevertDetected", false),
    ]);
    this.firmwareValidated = validated;
    const noFwupKeys = this.updates
      ? this.updates.needsPublicKeys()
      : this.config.fwupPublicKeys.length === 0;
    return deviceJoinParams({
      firmware: metadata,
      fwupVersion,
      currentlyDownloadingUuid: this.updates?.currentlyDownloadingUuid() ?? null,
      firmwareValidated: validated,
      firmwareAutoRevertDetected: autoRevert,
      requestFwupPublicKeys: this.config.requestFwupPublicKeys || noFwupKeys,
      requestArchivePublicKeys:
        this.config.requestArchivePublicKeys || (this.config.archivePublicKeys.length === 0 && noFwupKeys),
    });
  }

  private deviceJoined(): void {
    const gen = this.generation;
    this.setState({ status: "joined" });
    this.log.info("joined the device topic");
    this.stableTimer?.cancel();
    this.stableTimer = this.ports.clock.setTimeout(() => {
      if (gen !== this.generation || this.events.current.attempts === 0) return;
      this.setState({ attempts: 0 });
    }, this.config.backoff.stableAfterMs);
    const conn = this.conn;
    if (conn) void this.reportInterface(conn, gen);
    if (!this.firmwareValidated && !this.pollTimer) this.scheduleValidationPoll(gen);
  }

  private deviceLost(how: "error" | "left", reason: unknown): void {
    this.stableTimer?.cancel();
    this.interfaceTimer?.cancel();
    this.setState({ status: "connected" });
    if (how === "left") {
      this.log.warn("the hub closed the device topic; not rejoining");
      return;
    }
    this.log.warn("the hub crashed the device channel; rejoining later", { reason: safeReason(reason) });
    this.client.call("handleError", (c) => c.handleError?.(new Error("device channel error")));
  }

  private connectionLost(conn: Connection, info: CloseInfo): void {
    if (conn !== this.conn) return;
    this.dropConnection();
    this.failed(classifyClose(info, this.now()));
  }

  /** Forgets the current connection and everything tied to it. */
  private dropConnection(): void {
    this.generation++;
    const conn = this.conn;
    this.conn = undefined;
    for (const t of [this.stableTimer, this.pollTimer, this.interfaceTimer]) t?.cancel();
    this.stableTimer = this.pollTimer = this.interfaceTimer = undefined;
    this.device.reset();
    this.console?.reset();
    this.extensions.reset();
    this.extHost.detachAll();
    conn?.close();
  }

  private async reportInterface(conn: Connection, gen: number): Promise<void> {
    const probe = this.ports.networkProbe;
    const address = conn.localAddress;
    if (!probe || !address) return;
    const iface = await probe.interfaceFor(address).catch(() => undefined);
    if (gen !== this.generation || !this.device.joined) return;
    this.interfaceTimer?.cancel();
    if (iface) {
      this.push(deviceTopic.reportNetworkInterface(iface));
      return;
    }
    this.interfaceTimer = this.ports.clock.setTimeout(
      () => void this.reportInterface(conn, gen),
      INTERFACE_RETRY_MS,
    );
  }

  private scheduleValidationPoll(gen: number): void {
    this.pollTimer = this.ports.clock.setTimeout(async () => {
      const validated = await this.client.flag("firmwareValidated", true);
      if (gen !== this.generation) return;
      if (!validated) {
        this.scheduleValidationPoll(gen);
        return;
      }
      this.pollTimer = undefined;
      this.firmwareValidated = true;
      // If the push cannot go out now, the next join's meta carries the news instead.
      const sent = this.push(deviceTopic.firmwareValidated());
      this.log.info("firmware validated", { reported: sent });
    }, VALIDATION_POLL_MS);
  }

  private async checkAutoRevert(): Promise<void> {
    if (await this.client.flag("firmwareAutoRevertDetected", false)) {
      this.log.warn("firmware auto-revert detected: the bootloader went back to the previous firmware");
      this.alarms.set(AlarmId.firmwareReverted, "[]");
    }
  }

  // --- messages -----------------------------------------------------------------------------------

  private deviceMessage(event: string, payload: unknown): void {
    this.emit({ type: "message", topic: "device", event, payload });
    const decoded = decodeServerMessage("device", event, payload);
    if (!decoded.ok) {
      const { field, expected } = decoded.error;
      this.warnOnce.warn(`device:${event}:${field}`, `malformed ${event} from the hub; ignored`, {
        event,
        field,
        expected,
      });
      return;
    }
    const message = decoded.value;
    if (message.kind === "unknown") {
      this.warnOnce.warn(`device:${event}`, `unknown event ${event} on the device topic; ignored`, { event });
      return;
    }
    switch (message.event) {
      case "update":
        if (this.updates)
          this.guard("update handler", () => this.updates?.handleUpdate(message.payload as never));
        else this.log.info("update offered but this device has no update handler; ignored");
        return;
      case "fwup_public_keys": {
        const keys = (message.payload as { keys: string[] }).keys;
        if (this.updates) this.guard("update handler", () => this.updates?.setPublicKeys(keys));
        else this.log.info("fwup public keys received but this device has no update handler; ignored");
        return;
      }
      case "reboot":
        this.reboot();
        return;
      case "identify":
        this.client.call("identify", (c) =>
          c.identify ? c.identify() : this.log.info("identify requested by the hub"),
        );
        return;
      case "extensions:get":
        if (this.conn) this.extHost.join(this.conn);
        return;
      case "scripts/run": {
        // No script runner yet: answer at once so the hub does not wait out its 15 s.
        const { ref } = message.payload as { ref: string };
        this.push(
          deviceTopic.scriptFailed(ref, "unsupported", "Error running script: this device runs no scripts"),
        );
        return;
      }
      default:
        this.log.info(`${event} is not supported by this device; ignored`);
    }
  }

  private reboot(): void {
    this.push(deviceTopic.rebooting());
    this.client.call("reboot", (c) => (c.reboot ? c.reboot() : this.log.info("reboot requested by the hub")));
  }

  private consoleMessage(event: string, payload: unknown): void {
    this.emit({ type: "message", topic: "console", event, payload });
    const decoded = decodeServerMessage("console", event, payload);
    if (!decoded.ok || decoded.value.kind === "unknown") {
      this.warnOnce.warn(`console:${event}`, `unexpected ${event} on the console topic`, { event });
    }
  }

  // --- helpers ------------------------------------------------------------------------------------

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error(`${what} failed`, { error: errorText(e) });
    }
  }

  private setState(patch: Partial<Omit<LinkState, "topics">>): void {
    this.events.set(patch);
  }

  private emitState(): void {
    this.events.changed();
  }

  private emit(event: LinkEvent): void {
    this.events.emit(event);
  }

  private recordError(error: LinkError): void {
    this.events.error(error);
  }
}

function safeReason(reason: unknown): string {
  if (typeof reason === "string") return reason;
  const r = (reason as { reason?: unknown } | null)?.reason;
  return typeof r === "string" ? r : "unknown";
}
