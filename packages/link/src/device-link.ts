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
import { type Configurator, type LinkConfig, type ResolvedLinkConfig, resolveConfig } from "./config.js";
import { ExtensionsHost } from "./extensions-host.js";
import { parseHttpDate } from "./http-date.js";
import {
  classifyClose,
  classifyConnectError,
  type LinkError,
  type LinkEvent,
  type LinkState,
} from "./link-state.js";
import { AlarmId, type Alarms, MemoryAlarms } from "./ports/alarms.js";
import type { Client } from "./ports/client.js";
import type { Clock, Random, TimerHandle } from "./ports/clock.js";
import type { Extension } from "./ports/extension.js";
import type { FirmwareMetadata } from "./ports/firmware-metadata.js";
import type { Identity, SigningHint } from "./ports/identity.js";
import { type Logger, silentLogger } from "./ports/logger.js";
import type { NetworkProbe, ProbeTarget } from "./ports/network-probe.js";
import {
  type CloseInfo,
  ConnectError,
  type Connection,
  type TlsOptions,
  type Transport,
} from "./ports/transport.js";
import type { Push, UpdateHandler } from "./ports/updates.js";
import { baseUrl, loggableUrl, redirectUrl, socketUrl } from "./socket-url.js";
import { TopicSession } from "./topic-session.js";
import { WarnOnce } from "./warn-once.js";

/** The first network probe runs this long after start (nerves_hub_link: 100 ms). */
const NETWORK_FIRST_PROBE_MS = 100;
const NETWORK_PROBE_TIMEOUT_MS = 2_000;
const NETWORK_RETRY_MS = 3_000;
/** How often an unvalidated firmware is checked again (nerves_hub_link: 10 s). */
const VALIDATION_POLL_MS = 10_000;
/** Retry naming the network interface this often while it cannot be determined. */
const INTERFACE_RETRY_MS = 60_000;
/** An attempt the transport has not settled this long after its own connect timeout is abandoned. */
const ATTEMPT_GRACE_MS = 5_000;
/** Beyond this difference between the hub's Date and the device clock, warn about the clock. */
export const CLOCK_SKEW_WARN_MS = 30_000;

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
  private readonly client: Client;
  private readonly backoff: BackoffPolicy;
  private readonly warnOnce: WarnOnce;
  private readonly listeners = new Set<(event: LinkEvent) => void>();
  private readonly device: TopicSession;
  private readonly console?: TopicSession;
  private readonly extensions: TopicSession;
  private readonly extHost: ExtensionsHost;
  private readonly configuredUrl: URL;

  private snapshot: Omit<LinkState, "topics"> = { status: "idle", attempts: 0 };
  private started = false;
  /** Bumped whenever the current attempt or connection is abandoned, so late results are ignored. */
  private generation = 0;
  private conn?: Connection;
  private attemptTimer?: TimerHandle;
  private watchdog?: TimerHandle;
  private stableTimer?: TimerHandle;
  private pollTimer?: TimerHandle;
  private interfaceTimer?: TimerHandle;
  private url: URL;
  private redirected = false;
  private redirects = 0;
  private serverClock?: { serverTimeMs: number; seenAt: number };
  private waitingLogged = false;
  private firmwareValidated = true;

  constructor(
    config: ResolvedLinkConfig,
    private readonly ports: DeviceLinkPorts,
  ) {
    this.config = config;
    this.log = ports.logger ?? silentLogger;
    this.alarms = ports.alarms ?? new MemoryAlarms();
    this.client = ports.client ?? {};
    this.warnOnce = new WarnOnce(this.log);
    this.backoff =
      ports.backoff ??
      (config.socket.reconnectAfterMs
        ? listBackoff(config.socket.reconnectAfterMs)
        : exponentialBackoff(config.backoff, ports.random));
    this.configuredUrl = baseUrl(config);
    this.url = this.configuredUrl;
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
    if (this.config.connectWaitForNetwork && this.ports.networkProbe) {
      const gen = ++this.generation;
      this.setState({ status: "waiting-for-network", nextAttemptAt: this.now() + NETWORK_FIRST_PROBE_MS });
      this.attemptTimer = this.ports.clock.setTimeout(
        () => void this.probeNetwork(gen),
        NETWORK_FIRST_PROBE_MS,
      );
    } else {
      void this.attempt();
    }
  }

  async stop(): Promise<void> {
    this.generation++;
    this.attemptTimer?.cancel();
    this.watchdog?.cancel();
    this.dropConnection();
    this.setState({ status: "stopped", nextAttemptAt: undefined, connectedSince: undefined });
    await this.updates?.stop();
  }

  state(): LinkState {
    return {
      ...this.snapshot,
      topics: {
        device: this.device.joined,
        console: this.console?.joined ?? false,
        extensions: this.extensions.joined,
      },
    };
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reconnect(): void {
    if (!this.started || !this.config.connect || this.snapshot.status === "stopped") return;
    this.log.info("reconnect requested");
    this.generation++;
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

  private async probeNetwork(gen: number): Promise<void> {
    const probe = this.ports.networkProbe;
    if (!probe || gen !== this.generation) return;
    const target = this.probeTarget();
    const up = await probe.reachable(target, NETWORK_PROBE_TIMEOUT_MS).catch(() => false);
    if (gen !== this.generation) return;
    if (up) {
      void this.attempt();
      return;
    }
    if (!this.waitingLogged) this.log.info("waiting for network", { host: target.host, port: target.port });
    this.waitingLogged = true;
    this.attemptTimer = this.ports.clock.setTimeout(() => void this.probeNetwork(gen), NETWORK_RETRY_MS);
    this.setState({ status: "waiting-for-network", nextAttemptAt: this.now() + NETWORK_RETRY_MS });
  }

  /** The hub's host and port, or the proxy's when one is configured (that is what must answer). */
  private probeTarget(): ProbeTarget {
    const u = this.config.proxy ? new URL(this.config.proxy) : this.url;
    const secure = u.protocol === "wss:" || u.protocol === "https:";
    return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port) || (secure ? 443 : 80) };
  }

  private async attempt(): Promise<void> {
    const gen = ++this.generation;
    // A watchdog, so a transport or identity that never settles cannot stall the link for good.
    this.attemptTimer = undefined;
    this.watchdog?.cancel();
    this.watchdog = this.ports.clock.setTimeout(() => {
      this.watchdog = undefined;
      if (gen !== this.generation || this.snapshot.status !== "connecting") return;
      this.failed({
        kind: "timeout",
        message: "the connection attempt did not finish in time",
        at: this.now(),
      });
    }, this.config.connectTimeoutMs + ATTEMPT_GRACE_MS);
    this.setState({ status: "connecting", nextAttemptAt: undefined, url: loggableUrl(this.url) });
    const { identity, transport } = this.ports;
    let credentials: Awaited<ReturnType<Identity["credentials"]>>;
    try {
      const hint = this.signingHint();
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
    const keepPath =
      this.redirected || (this.config.socket.url !== undefined && identity.kind !== "shared-secret");
    const url = socketUrl(this.url, credentials, this.config.serializer, keepPath);
    this.log.info("connecting to hub", {
      url: loggableUrl(url),
      auth: identity.kind,
      serializer: this.config.serializer,
      attempt: this.snapshot.attempts + 1,
    });
    let conn: Connection;
    try {
      conn = await transport.connect({
        url,
        serializer: this.config.serializer,
        headers: { ...this.config.socket.headers, ...credentials.headers },
        tls: this.tlsOptions(credentials.tls),
        heartbeatIntervalMs: this.config.heartbeatIntervalMs,
        compress: this.config.compress,
        proxy: this.config.proxy,
        connectTimeoutMs: this.config.connectTimeoutMs,
      });
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

  private tlsOptions(fromIdentity: TlsOptions | undefined): TlsOptions {
    const tls: TlsOptions = { ...fromIdentity, ...this.config.ssl };
    if (this.config.sni !== undefined) tls.servername = this.config.sni;
    return tls;
  }

  private connectFailed(e: ConnectError): void {
    const error = classifyConnectError(e, this.now());
    const skew = e.details.date !== undefined ? this.noteServerDate(e.details.date) : undefined;
    if (skew !== undefined && Math.abs(skew) > CLOCK_SKEW_WARN_MS && error.kind === "auth") {
      error.kind = "clock";
      error.message = `${error.message}; the device clock is ${describeSkew(skew)} the hub's`;
    }
    const status = e.details.status;
    if (e.kind === "http" && status !== undefined && status >= 300 && status < 400) {
      this.followRedirect(e, error);
    } else if (this.redirected) {
      // A redirect target that fails sends us back to the configured hub rather than strand us there.
      this.log.info("redirect target failed; going back to the configured hub");
      this.resetUrl();
    }
    this.failed(error);
  }

  private followRedirect(e: ConnectError, error: LinkError): void {
    const target = e.details.location ? redirectUrl(this.url.toString(), e.details.location) : undefined;
    if (!target) {
      error.message = `${error.message} without a usable location header`;
      this.resetUrl();
      return;
    }
    this.redirects++;
    if (this.redirects > this.config.maxRedirects) {
      // nerves_hub_link stops for good here; we go back to the configured hub and keep backing off.
      this.log.error("too many redirects; going back to the configured hub", { redirects: this.redirects });
      this.resetUrl();
      return;
    }
    this.log.info("hub redirected the connection", { to: loggableUrl(target), status: e.details.status });
    this.url = target;
    this.redirected = true;
  }

  private resetUrl(): void {
    this.url = this.configuredUrl;
    this.redirected = false;
    this.redirects = 0;
  }

  /** Remembers the hub's clock from a refused upgrade; returns device minus hub time (ms). */
  private noteServerDate(date: string): number | undefined {
    const serverTimeMs = parseHttpDate(date);
    if (serverTimeMs === undefined) return undefined;
    const now = this.now();
    this.serverClock = { serverTimeMs, seenAt: now };
    const skew = now - serverTimeMs;
    if (Math.abs(skew) > CLOCK_SKEW_WARN_MS) {
      const signing =
        this.ports.identity.kind === "shared-secret"
          ? "; the next signature uses the hub's time as a hint"
          : "";
      this.log.warn(`device clock looks wrong: it is ${describeSkew(skew)} the hub's Date header${signing}`, {
        skewMs: skew,
      });
      this.emit({ type: "clock-skew", skewMs: skew });
    }
    return skew;
  }

  /** The hub's time now, estimated from its last Date header and the device clock since then. */
  private signingHint(): SigningHint | undefined {
    const c = this.serverClock;
    return c ? { serverTimeMs: c.serverTimeMs + (this.now() - c.seenAt) } : undefined;
  }

  private failed(error: LinkError): void {
    this.watchdog?.cancel();
    this.snapshot.attempts++;
    this.recordError(error);
    this.alarms.set(AlarmId.disconnected, `[reason: ${error.kind}]`);
    this.callClient("handleError", () => this.client.handleError?.(new Error(error.message)));
    const delay = this.backoff.delayMs(this.snapshot.attempts);
    this.log.warn(`hub connection failed (${error.kind}): ${error.message}; retrying in ${delay} ms`, {
      kind: error.kind,
      status: error.status,
      code: error.code,
      attempts: this.snapshot.attempts,
    });
    const gen = ++this.generation;
    this.attemptTimer = this.ports.clock.setTimeout(() => {
      if (gen === this.generation) void this.attempt();
    }, delay);
    this.setState({ status: "backing-off", nextAttemptAt: this.now() + delay, connectedSince: undefined });
  }

  private recordError(error: LinkError): void {
    this.snapshot.lastError = error;
    this.emit({ type: "error", error });
  }

  // --- connected ----------------------------------------------------------------------------------

  private connected(conn: Connection, gen: number): void {
    this.conn = conn;
    this.redirects = 0;
    this.serverClock = undefined;
    conn.onClose((info) => this.connectionLost(conn, info));
    this.alarms.clear(AlarmId.disconnected);
    this.setState({ status: "connected", connectedSince: this.now() });
    this.log.info("connected to hub", { url: this.snapshot.url });
    this.callClient("connected", () => this.client.connected?.());
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
      this.clientBool("firmwareValidated", true),
      this.clientBool("firmwareAutoRevertDetected", false),
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
      if (gen !== this.generation || this.snapshot.attempts === 0) return;
      this.snapshot.attempts = 0;
      this.emitState();
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
    this.callClient("handleError", () => this.client.handleError?.(new Error("device channel error")));
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
      const validated = await this.clientBool("firmwareValidated", true);
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
    if (await this.clientBool("firmwareAutoRevertDetected", false)) {
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
        this.callClient("identify", () =>
          this.client.identify ? this.client.identify() : this.log.info("identify requested by the hub"),
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
    this.callClient("reboot", () =>
      this.client.reboot ? this.client.reboot() : this.log.info("reboot requested by the hub"),
    );
  }

  private consoleMessage(event: string, payload: unknown): void {
    this.emit({ type: "message", topic: "console", event, payload });
    const decoded = decodeServerMessage("console", event, payload);
    if (!decoded.ok || decoded.value.kind === "unknown") {
      this.warnOnce.warn(`console:${event}`, `unexpected ${event} on the console topic`, { event });
    }
  }

  // --- helpers ------------------------------------------------------------------------------------

  private async clientBool(
    name: "firmwareValidated" | "firmwareAutoRevertDetected",
    fallback: boolean,
  ): Promise<boolean> {
    const fn = this.client[name];
    if (!fn) return fallback;
    try {
      const v = await fn.call(this.client);
      return typeof v === "boolean" ? v : fallback;
    } catch (e) {
      this.log.error(`client ${name} failed`, { error: errorText(e) });
      return fallback;
    }
  }

  private callClient(name: string, fn: () => unknown): void {
    try {
      const result = fn();
      if (result instanceof Promise) {
        result.catch((e: unknown) => this.log.error(`client ${name} failed`, { error: errorText(e) }));
      }
    } catch (e) {
      this.log.error(`client ${name} failed`, { error: errorText(e) });
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error(`${what} failed`, { error: errorText(e) });
    }
  }

  private setState(patch: Partial<Omit<LinkState, "topics">>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.emitState();
  }

  private emitState(): void {
    this.emit({ type: "state", state: this.state() });
  }

  private emit(event: LinkEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (e) {
        this.log.error("link subscriber failed", { error: errorText(e) });
      }
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function safeReason(reason: unknown): string {
  if (typeof reason === "string") return reason;
  const r = (reason as { reason?: unknown } | null)?.reason;
  return typeof r === "string" ? r : "unknown";
}

function describeSkew(skewMs: number): string {
  return `${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? "ahead of" : "behind"}`;
}
