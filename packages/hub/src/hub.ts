// startHub: one HTTP(S) listener carrying the device socket, firmware downloads and the operator API.
import { randomBytes } from "node:crypto";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { EXTENSION_NAMES, type ExtensionName, type Frame } from "@nerves-hub-ts/protocol";
import { type Logger, pino } from "pino";
import { WebSocketServer } from "ws";
import { storedCertificate } from "./auth/certificate-auth.js";
import { DEFAULT_SHARED_SECRET_LIMITS, type SharedSecretLimits } from "./auth/shared-secret-auth.js";
import type { RegisterCaOptions } from "./auth/signer-cas.js";
import { type Clock, HubCore, HubDeviceError } from "./core.js";
import type { DeviceRecord } from "./devices/device-record.js";
import { DEFAULT_PENALTY_POLICY, type PenaltyPolicy } from "./devices/penalty-box.js";
import type { HubEvent } from "./events.js";
import type { FaultTarget, FirmwareFault } from "./firmware/faults.js";
import { serveFirmware } from "./firmware/firmware-route.js";
import type { FirmwareMetaInput, FirmwareRecord } from "./firmware/store.js";
import { DEVICE_SOCKET_PATHS, handleDeviceUpgrade } from "./http/device-upgrade.js";
import { servePlainRoute } from "./http/plain-routes.js";
import { parseRequestTarget } from "./http/request-target.js";
import { writeRejection } from "./http/upgrade-rejection.js";
import { handleConsoleUpgrade, OPERATOR_CONSOLE_PATH } from "./operator/console-session.js";
import { serveOperatorApi } from "./operator/operator-api.js";
import type { OperatorHub } from "./operator/operator-hub.js";
import { DEVICE_DEFLATE } from "./socket/compression.js";
import { CloseCode } from "./socket/device-connection.js";
import { systemClock } from "./time/clock.js";
import { type UpdatePayload, updatePayload } from "./update-payload.js";

export interface HubOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (a free port). */
  port?: number;
  /**
   * Length of the queue of connections the kernel has accepted and the hub has not yet taken
   * (`listen` backlog). Default 8192; Linux caps it at `net.core.somaxconn`. Node's default of 511
   * overflows when a fleet reconnects at once: the overflowing handshakes are dropped and retried
   * from 1 s on, and a device whose handshake the kernel gave up on is reset when it sends.
   */
  backlog?: number;
  /**
   * Serve HTTPS/WSS with this server certificate. The hub requests a client certificate but
   * verifies it itself against registered signer CAs, so shared-secret devices connect too.
   */
  tls?: { certPem: string; keyPem: string } | false;
  /**
   * Time a client has to send its request headers, counted from connect; on TLS the handshake may
   * take as long again. A client still sending after it gets 408 and is closed. Default 10000.
   */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included (e.g. a firmware upload). Default 300000. */
  requestTimeoutMs?: number;
  /** How long an idle kept-alive HTTP connection stays open between requests. Default 5000. */
  keepAliveTimeoutMs?: number;
  /** Close a device socket after this long without an inbound frame (code 1002). Default 180000. */
  idleTimeoutMs?: number;
  /** Largest accepted websocket message; larger closes with 1009. Default 8000000. */
  maxFrameBytes?: number;
  /** Accept shared-secret (x-nh-*) authentication. Default true. */
  sharedSecrets?: boolean;
  /** Maximum shared-secret token age. Default 90. */
  sharedSecretMaxAgeSeconds?: number;
  /**
   * Bounds on shared-secret authentication (see `DEFAULT_SHARED_SECRET_LIMITS`): the largest PBKDF2
   * iteration count (10000) and key length (64) a client may name (beyond: 401), and how many key
   * derivations one client address (burst 20, 5/s) and one key (burst 100, 20/s) may cause (beyond: 503).
   */
  sharedSecretLimits?: Partial<SharedSecretLimits>;
  /** How long `runScript` waits for the answer. Default 15000. */
  scriptTimeoutMs?: number;
  /** Extensions enabled hub-wide (the product setting). Default: all known ones. */
  extensions?: readonly ExtensionName[];
  /** Platform analytics; `logging` is offered only with it. Default false, as a server without ClickHouse. */
  analytics?: boolean;
  /** Minutes between `health:check` pushes after the one on attach. Default 60. */
  healthIntervalMinutes?: number;
  /** Minutes between `geo:location:request` pushes after the one on attach; 0 = once. Default 0. */
  geoIntervalMinutes?: number;
  /** Deployment-group failure rules (penalty box). Defaults: the server's (1440 min, 3, 5 per 180 s). */
  penalty?: Partial<PenaltyPolicy>;
  /** Lifetime of presigned firmware URLs. Default 86400. */
  firmwareUrlTtlSeconds?: number;
  /** Bearer token for /api/…; generated when absent. */
  operatorToken?: string;
  /** Default: silent. */
  logger?: Logger;
  /** Default: the system clock. Penalty boxes and extension intervals run on its timers. */
  clock?: Clock;
}

/** How a `deploy` went. */
export interface DeployResult {
  deploymentId: number | null;
  /** Devices that got the `update` push. */
  sentTo: string[];
  /** Targets that were not joined on `device` (nothing was sent to them). */
  notConnected: string[];
  /** Targets whose deployment updates are blocked (penalty box); offered again when it ends. */
  blocked: string[];
}

/** A read-only copy of a device record. */
export type DeviceSnapshot = DeviceRecord;

export class Hub implements OperatorHub {
  readonly #core: HubCore;
  readonly #server: Server;
  readonly #sockets = new Set<Duplex>();
  #deploymentCounter = 0;

  /** @internal use startHub */
  constructor(
    core: HubCore,
    server: Server,
    readonly host: string,
    readonly port: number,
    readonly tls: boolean,
    readonly operatorToken: string,
  ) {
    this.#core = core;
    this.#server = server;
    server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    server.on("secureConnection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  get #hostForUrl(): string {
    return this.host.includes(":") ? `[${this.host}]` : this.host;
  }

  /** `ws(s)://host:port/socket/websocket` (or another path). Phoenix clients take the URL without `/websocket`. */
  deviceUrl(path = "/socket/websocket"): string {
    return `${this.tls ? "wss" : "ws"}://${this.#hostForUrl}:${this.port}${path}`;
  }

  /** `http(s)://host:port/api`: the operator HTTP API (bearer `operatorToken`). */
  get operatorUrl(): string {
    return `${this.#core.baseUrl}/api`;
  }

  /** `http(s)://host:port/firmware`. */
  get firmwareBaseUrl(): string {
    return `${this.#core.baseUrl}/firmware`;
  }

  // --- credentials -------------------------------------------------------------------------

  /** Registers a device signer CA; `jitp` creates unknown devices it signed on first connect. */
  registerCa(certPem: string, options: RegisterCaOptions = {}): { ski: string } {
    return { ski: this.#core.cas.register(certPem, options).ski };
  }

  /** Creates a device (optionally with its certificate, as when a certificate is uploaded). */
  registerDevice(identifier: string, options: { certPem?: string } = {}): DeviceSnapshot {
    const { device } = this.#core.devices.ensure(identifier, "operator");
    device.deleted = false;
    if (options.certPem) this.#core.devices.addCertificate(device, storedCertificate(options.certPem));
    return structuredClone(device);
  }

  /** Soft-deletes a device: its credentials stop working and a live connection is closed. */
  deleteDevice(identifier: string): void {
    this.#core.requireDevice(identifier).deleted = true;
    this.#core.connection(identifier)?.close(CloseCode.goingAway, "device deleted");
  }

  /** A product key (`nhp_…`): devices it signs for are created on first connect. */
  addProductKey(key: string, secret: string): void {
    this.#core.keys.addProductKey(key, secret);
  }

  /** A device key bound to one identifier. */
  addDeviceKey(key: string, secret: string, identifier: string): void {
    this.#core.keys.addDeviceKey(key, secret, identifier);
    const { device } = this.#core.devices.ensure(identifier, "operator");
    if (!device.deviceKeys.includes(key)) device.deviceKeys.push(key);
  }

  removeKey(key: string): void {
    this.#core.keys.removeKey(key);
  }

  /** A firmware signing public key (base64 Ed25519), pushed on `fwup_public_keys`/`archive_public_keys`. */
  addSigningKey(publicKeyBase64: string): void {
    if (!this.#core.signingKeys.includes(publicKeyBase64)) this.#core.signingKeys.push(publicKeyBase64);
  }

  // --- devices and events ------------------------------------------------------------------

  devices(): DeviceSnapshot[] {
    return this.#core.devices.all().map((d) => structuredClone(d));
  }

  device(identifier: string): DeviceSnapshot | undefined {
    const d = this.#core.devices.get(identifier);
    return d ? structuredClone(d) : undefined;
  }

  /** Subscribes to every hub event; returns the unsubscribe function. */
  on(_name: "event", listener: (event: HubEvent) => void): () => void {
    return this.#core.events.on(listener);
  }

  /** Every event from now on as an async iterator (stop with `break` or the signal). */
  events(signal?: AbortSignal): AsyncIterableIterator<HubEvent> {
    return this.#core.events.iterate(signal);
  }

  /** The first future event matching `predicate`. */
  waitFor<E extends HubEvent = HubEvent>(
    predicate: (event: HubEvent) => boolean,
    timeoutMs = 5000,
  ): Promise<E> {
    return this.#core.events.waitFor<E>(predicate, timeoutMs);
  }

  // --- firmware ----------------------------------------------------------------------------

  /** Adds a firmware image from bytes or a file path (hashed while streaming). */
  addFirmware(source: Uint8Array | string, meta: FirmwareMetaInput = {}): Promise<FirmwareRecord> {
    return this.#core.firmware.add(source, meta, this.#core.now());
  }

  firmware(uuid: string): FirmwareRecord | undefined {
    return this.#core.firmware.get(uuid);
  }

  /** A presigned URL for a firmware; device-bound URLs pick up that device's faults. */
  firmwareUrl(uuid: string, options: { identifier?: string; ttlSeconds?: number } = {}): string {
    return this.#core.firmwareUrl(uuid, options.identifier ?? null, options.ttlSeconds);
  }

  /** Makes firmware downloads misbehave; returns the function that removes the fault. */
  injectFault(target: FaultTarget, fault: FirmwareFault): () => void {
    this.#core.log.info({ target, fault }, "firmware fault injected");
    return this.#core.faults.add(target, fault);
  }

  clearFaults(): void {
    this.#core.faults.clear();
  }

  /** The `update` payload a device would get for this firmware. */
  updatePayload(firmwareUuid: string, identifier: string, deploymentId: number | null = null): UpdatePayload {
    const record = this.#requireFirmware(firmwareUuid);
    return updatePayload(record, this.#core.firmwareUrl(record.uuid, identifier), deploymentId);
  }

  /**
   * Broadcasts `update` (null refs, as fastlane broadcasts) to the targets joined on `device` and
   * records an in-flight update for each. `deploymentId: null` is a manual push; a deployment
   * update skips devices in the penalty box.
   */
  deploy(
    firmwareUuid: string,
    options: { to: string | string[] | "all"; deploymentId?: number | null },
  ): DeployResult {
    this.#requireFirmware(firmwareUuid);
    const deploymentId =
      options.deploymentId === undefined ? ++this.#deploymentCounter : options.deploymentId;
    const targets =
      options.to === "all"
        ? [...this.#core.live.keys()]
        : Array.isArray(options.to)
          ? options.to
          : [options.to];
    const result: DeployResult = { deploymentId, sentTo: [], notConnected: [], blocked: [] };
    const lists = { sent: result.sentTo, not_connected: result.notConnected, blocked: result.blocked };
    for (const identifier of targets) {
      const device = this.#core.requireDevice(identifier);
      lists[this.#core.offers.offer(device, firmwareUuid, deploymentId)].push(identifier);
    }
    return result;
  }

  /** Assigns an archive (pushed on every join for api >= 2.0.0); `null` removes it. */
  assignArchive(
    identifier: string,
    archive: { firmwareUuid: string } | { payload: Record<string, unknown> } | null,
  ): void {
    if (archive && "firmwareUuid" in archive) this.#requireFirmware(archive.firmwareUuid);
    this.#core.requireDevice(identifier).archive = archive;
  }

  /** Assigns the archive and pushes `archive` now. */
  sendArchive(
    identifier: string,
    archive: { firmwareUuid: string } | { payload: Record<string, unknown> },
  ): boolean {
    this.assignArchive(identifier, archive);
    const payload = this.#core.archivePayload(this.#core.requireDevice(identifier));
    return payload !== null && this.push(identifier, "device", "archive", payload, { fastlane: true });
  }

  /** Connecting code sent as `scripts/run` (ref `connecting_code`) after each join; `null` removes it. */
  setConnectingCode(identifier: string, text: string | null): void {
    this.#core.requireDevice(identifier).connectingCode = text;
  }

  // --- operator actions --------------------------------------------------------------------

  reboot(identifier: string): boolean {
    return this.push(identifier, "device", "reboot", {}, { fastlane: true });
  }

  identify(identifier: string): boolean {
    return this.push(identifier, "device", "identify", {}, { fastlane: true });
  }

  /** Runs a support script; resolves with `output\nreturn` (trimmed), rejects with HubScriptError. */
  runScript(identifier: string, text: string): Promise<string> {
    return this.#core.runScript(identifier, text);
  }

  /**
   * Pushes any event on a joined topic. By default it carries the channel's join_ref (a channel
   * push); `fastlane: true` sends null refs (a broadcast). False when the topic is not joined.
   */
  push(
    identifier: string,
    topic: string,
    event: string,
    payload: unknown,
    options: { fastlane?: boolean } = {},
  ): boolean {
    return this.#core.connection(identifier)?.push(topic, event, payload, options) ?? false;
  }

  /** Sends a raw frame to a device, joined or not (protocol tests). */
  sendFrame(identifier: string, frame: Frame): void {
    this.#core.requireConnection(identifier).send(frame);
  }

  /** Disconnects a device the way an operator "reconnect" does (close 1001). */
  kick(identifier: string): boolean {
    const connection = this.#core.connection(identifier);
    connection?.close(CloseCode.goingAway, "disconnect");
    return connection !== undefined;
  }

  /** Closes every device socket as a draining node does (close 1012). */
  dropAll(): number {
    const connections = [...this.#core.live.values()];
    for (const { connection } of connections) connection.close(CloseCode.serviceRestart, "service restart");
    return connections.length;
  }

  /** Types into the device console (`dn`). */
  sendConsole(identifier: string, data: string): boolean {
    return this.push(identifier, "console", "dn", { data });
  }

  /** Subscribes to what the device console sends (`up`, `file-data*`). */
  openConsole(identifier: string, listener: (event: string, payload: unknown) => void): () => void {
    const listeners = this.#core.consoleListeners.get(identifier) ?? new Set();
    this.#core.consoleListeners.set(identifier, listeners);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /**
   * Enables or disables an extension hub-wide (or for one device) and pushes `attach`/`detach`
   * to connected devices. As upstream, a newly enabled one is only attachable after a reconnect.
   */
  setExtensionEnabled(name: ExtensionName, enabled: boolean, options: { identifier?: string } = {}): void {
    if (!(EXTENSION_NAMES as readonly string[]).includes(name))
      throw new HubDeviceError(`unknown extension ${name}`);
    const targets = options.identifier
      ? [this.#core.requireDevice(options.identifier)]
      : this.#core.devices.all();
    if (options.identifier) {
      const device = this.#core.requireDevice(options.identifier);
      device.extensionsDisabled = device.extensionsDisabled.filter((n) => n !== name);
      if (!enabled) device.extensionsDisabled.push(name);
    } else if (enabled) this.#core.extensionsEnabled.add(name);
    else this.#core.extensionsEnabled.delete(name);
    for (const device of targets) {
      this.push(device.identifier, "extensions", enabled ? "attach" : "detach", { extensions: [name] });
    }
  }

  /** Asks an attached health extension for a report now. */
  requestHealthCheck(identifier: string): boolean {
    return this.push(identifier, "extensions", "health:check", {});
  }

  #requireFirmware(uuid: string): FirmwareRecord {
    const record = this.#core.firmware.get(uuid);
    if (!record) throw new HubDeviceError(`unknown firmware ${JSON.stringify(uuid)}`);
    return record;
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    this.#core.log.info({ connections: this.#core.live.size }, "hub shutting down");
    for (const { connection } of [...this.#core.live.values()])
      connection.close(CloseCode.goingAway, "hub closing");
    this.#core.close();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
    this.#core.log.info("hub stopped");
  }
}

function positiveMinutes(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new RangeError(`${name} must be above 0, got ${String(value)}`);
  return value;
}

/** Default listen backlog: see `HubOptions.backlog`. */
const DEFAULT_BACKLOG = 8192;

interface HttpTimeouts {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  /** How often Node looks for connections past their timeouts (its default, 30 s, would dwarf them). */
  connectionsCheckingInterval: number;
}

function httpTimeouts(options: HubOptions): HttpTimeouts {
  const headersTimeout = positiveInteger("headersTimeoutMs", options.headersTimeoutMs, 10_000);
  const requestTimeout = positiveInteger("requestTimeoutMs", options.requestTimeoutMs, 300_000);
  const keepAliveTimeout = positiveInteger("keepAliveTimeoutMs", options.keepAliveTimeoutMs, 5_000);
  if (headersTimeout > requestTimeout)
    throw new RangeError(
      `headersTimeoutMs (${headersTimeout}) must not exceed requestTimeoutMs (${requestTimeout})`,
    );
  const connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4)));
  return { headersTimeout, requestTimeout, keepAliveTimeout, connectionsCheckingInterval };
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

export async function startHub(options: HubOptions = {}): Promise<Hub> {
  const host = options.host ?? "127.0.0.1";
  const backlog = options.backlog ?? DEFAULT_BACKLOG;
  if (!Number.isSafeInteger(backlog) || backlog < 1)
    throw new RangeError(`backlog must be a positive integer, got ${String(options.backlog)}`);
  const timeouts = httpTimeouts(options);
  const sharedSecretLimits = { ...DEFAULT_SHARED_SECRET_LIMITS, ...options.sharedSecretLimits };
  positiveInteger("sharedSecretLimits.maxIterations", sharedSecretLimits.maxIterations, 1);
  positiveInteger("sharedSecretLimits.maxKeyLength", sharedSecretLimits.maxKeyLength, 1);
  const log = options.logger ?? pino({ level: "silent" });
  const operatorToken = options.operatorToken ?? randomBytes(24).toString("base64url");
  const core = new HubCore({
    clock: options.clock ?? systemClock(),
    log,
    idleTimeoutMs: options.idleTimeoutMs ?? 180_000,
    maxFrameBytes: options.maxFrameBytes ?? 8_000_000,
    sharedSecrets: options.sharedSecrets ?? true,
    sharedSecretMaxAgeSeconds: options.sharedSecretMaxAgeSeconds ?? 90,
    sharedSecretLimits,
    scriptTimeoutMs: options.scriptTimeoutMs ?? 15_000,
    extensions: options.extensions ?? EXTENSION_NAMES,
    analytics: options.analytics ?? false,
    healthIntervalMinutes: positiveMinutes("healthIntervalMinutes", options.healthIntervalMinutes, 60),
    geoIntervalMinutes: options.geoIntervalMinutes ?? 0,
    penalty: { ...DEFAULT_PENALTY_POLICY, ...options.penalty },
    firmwareUrlTtlSeconds: options.firmwareUrlTtlSeconds ?? 86_400,
    urlSecret: randomBytes(32).toString("hex"),
  });
  const tls = options.tls || undefined;
  const server: Server = tls
    ? createHttpsServer({
        ...timeouts,
        handshakeTimeout: timeouts.headersTimeout,
        cert: tls.certPem,
        key: tls.keyPem,
        requestCert: true,
        rejectUnauthorized: false,
      })
    : createHttpServer(timeouts);
  const deviceWss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: DEVICE_DEFLATE,
    maxPayload: core.settings.maxFrameBytes,
  });
  // Bandit sends `date` on every response, the 101 included; devices use it as a clock hint.
  deviceWss.on("headers", (headers) => headers.push(`date: ${new Date(core.now()).toUTCString()}`));
  const consoleWss = new WebSocketServer({ noServer: true });

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = parseRequestTarget(req.url);
    if (!url) {
      res.writeHead(400, { "content-type": "text/plain", connection: "close" }).end("Bad Request");
      return;
    }
    const done = (error: unknown) => {
      log.error(
        { path: url.pathname, err: error instanceof Error ? error.message : String(error) },
        "request failed",
      );
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    };
    try {
      if (url.pathname.startsWith("/firmware/")) {
        serveFirmware(
          { core, store: core.firmware, signer: core.signer, faults: core.faults },
          req,
          res,
          url,
        ).catch(done);
      } else if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
        serveOperatorApi({ core, hub, operatorToken }, req, res, url).catch(done);
      } else {
        servePlainRoute(req, res, url.pathname);
      }
    } catch (error) {
      done(error);
    }
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", (error) => log.debug({ err: error.message }, "upgrade socket error"));
    const url = parseRequestTarget(req.url);
    if (!url) {
      writeRejection(socket, { status: 400 }, core.now());
      return;
    }
    try {
      if (DEVICE_SOCKET_PATHS.includes(url.pathname)) {
        handleDeviceUpgrade(core, deviceWss, req, url, socket, head).catch((error: unknown) => {
          log.error({ err: error instanceof Error ? error.message : String(error) }, "upgrade failed");
          writeRejection(socket, { status: 500 }, core.now());
        });
      } else if (OPERATOR_CONSOLE_PATH.test(url.pathname)) {
        handleConsoleUpgrade({ core, hub, operatorToken }, consoleWss, req, socket, head, url);
      } else {
        writeRejection(
          socket,
          { status: 301, headers: { location: "https://docs.nerves-hub.org/" } },
          core.now(),
        );
      }
    } catch (error) {
      log.error({ err: error instanceof Error ? error.message : String(error) }, "upgrade failed");
      writeRejection(socket, { status: 500 }, core.now());
    }
  });
  server.on("tlsClientError", (error) => log.debug({ err: error.message }, "TLS handshake failed"));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port ?? 0, host, backlog }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  core.baseUrl = `${tls ? "https" : "http"}://${urlHost}:${port}`;
  const hub = new Hub(core, server, host, port, tls !== undefined, operatorToken);
  log.info({ deviceUrl: hub.deviceUrl(), operatorUrl: hub.operatorUrl }, "hub listening");
  return hub;
}
