// The hub's shared state: devices, credentials, live connections and the event stream.
// Channels, the upgrade handler, the HTTP API and the public Hub object all work through it.
import { randomBytes } from "node:crypto";
import type { ExtensionName } from "@nerves-hub-ts/protocol";
import { supports } from "@nerves-hub-ts/versioning";
import type { Logger } from "pino";
import { SharedSecretKeys, type SharedSecretLimits } from "./auth/shared-secret-auth.js";
import { SignerCaRegistry } from "./auth/signer-cas.js";
import { type DeviceRecord, recordViolation } from "./devices/device-record.js";
import type { PenaltyPolicy } from "./devices/penalty-box.js";
import { DeviceRegistry } from "./devices/registry.js";
import { type DeviceReportEvent, type HubEvent, HubEvents } from "./events.js";
import { FaultTable } from "./firmware/faults.js";
import { type UrlSigner, urlSigner } from "./firmware/signed-url.js";
import { FirmwareStore } from "./firmware/store.js";
import { HubDeviceError, HubScriptError } from "./hub-errors.js";
import type { DeviceConnection } from "./socket/device-connection.js";
import type { Clock } from "./time/clock.js";
import { UpdateOffers } from "./update-offers.js";

export type { Clock, TimerHandle } from "./time/clock.js";
export { HubDeviceError, HubScriptError };

/** A live device connection and what was decided for it at authentication. */
export interface LiveConnection {
  connection: DeviceConnection;
  /** Extensions allowed on this connection, computed once at authentication (as the server does). */
  allowedExtensions: ReadonlySet<ExtensionName>;
}

interface ScriptWaiter {
  identifier: string;
  resolve(output: string): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface CoreSettings {
  clock: Clock;
  log: Logger;
  idleTimeoutMs: number;
  maxFrameBytes: number;
  sharedSecrets: boolean;
  sharedSecretMaxAgeSeconds: number;
  sharedSecretLimits: SharedSecretLimits;
  scriptTimeoutMs: number;
  extensions: readonly ExtensionName[];
  /** Platform analytics: the `logging` extension is only offered with it (the server's `analytics_enabled`). */
  analytics: boolean;
  /** `health:check` is pushed on attach and then at this interval. */
  healthIntervalMinutes: number;
  /** `geo:location:request` is pushed on attach and, when above 0, at this interval. */
  geoIntervalMinutes: number;
  /** The deployment-group failure rules for deployment updates. */
  penalty: PenaltyPolicy;
  /** Lifetime of presigned firmware URLs (the server's S3 URLs live 24 h). */
  firmwareUrlTtlSeconds: number;
  urlSecret: string;
}

export class HubCore {
  readonly devices = new DeviceRegistry();
  readonly cas = new SignerCaRegistry();
  readonly keys: SharedSecretKeys;
  readonly events = new HubEvents();
  readonly live = new Map<string, LiveConnection>();
  /** Base64 public keys pushed as `fwup_public_keys` / `archive_public_keys`. */
  readonly signingKeys: string[] = [];
  /** Extensions enabled hub-wide (the product switch). */
  readonly extensionsEnabled: Set<ExtensionName>;
  /** Operator console sessions per device identifier. */
  readonly consoleListeners = new Map<string, Set<(event: string, payload: unknown) => void>>();
  readonly firmware = new FirmwareStore();
  readonly faults = new FaultTable();
  readonly signer: UrlSigner;
  readonly offers: UpdateOffers;
  /** `http(s)://host:port`, known once the server listens. */
  baseUrl = "";
  readonly #scripts = new Map<string, ScriptWaiter>();

  constructor(readonly settings: CoreSettings) {
    this.extensionsEnabled = new Set(settings.extensions);
    this.keys = new SharedSecretKeys(settings.sharedSecretLimits);
    this.signer = urlSigner(settings.urlSecret);
    this.offers = new UpdateOffers(this);
  }

  /** A presigned download URL for a firmware, bound to a device when `identifier` is given. */
  firmwareUrl(
    firmwareUuid: string,
    identifier: string | null,
    ttlSeconds = this.settings.firmwareUrlTtlSeconds,
  ): string {
    const expires = Math.floor(this.now() / 1000) + ttlSeconds;
    return `${this.baseUrl}${this.signer.sign(firmwareUuid, expires, identifier)}`;
  }

  /** The `archive` payload for a device's assigned archive, with a fresh URL. */
  archivePayload(device: DeviceRecord): Record<string, unknown> | null {
    const archive = device.archive;
    if (!archive) return null;
    if ("payload" in archive) return archive.payload;
    const record = this.firmware.get(archive.firmwareUuid);
    if (!record) return null;
    return {
      size: record.size,
      uuid: record.uuid,
      version: record.meta.version,
      description: record.meta.description,
      platform: record.meta.platform,
      architecture: record.meta.architecture,
      // Naive ISO-8601 without a zone, as upstream sends it.
      uploaded_at: new Date(record.uploadedAt).toISOString().slice(0, 19),
      url: this.firmwareUrl(record.uuid, device.identifier),
    };
  }

  get log(): Logger {
    return this.settings.log;
  }

  now(): number {
    return this.settings.clock.now();
  }

  emit(event: HubEvent): void {
    this.events.emit(event);
  }

  report(
    identifier: string,
    type: DeviceReportEvent["type"],
    topic: string,
    event: string,
    payload: unknown,
  ): void {
    this.emit({ type, at: this.now(), identifier, topic, event, payload });
  }

  violation(device: DeviceRecord, topic: string, event: string, reason: string): void {
    const at = this.now();
    const kept = recordViolation(device, { at, topic, event, reason });
    this.log.warn(
      { device: device.identifier, topic: kept.topic, event: kept.event, reason: kept.reason },
      "protocol violation",
    );
    this.emit({
      type: "violation",
      at,
      identifier: device.identifier,
      topic: kept.topic,
      event: kept.event,
      reason: kept.reason,
    });
  }

  requireDevice(identifier: string): DeviceRecord {
    const device = this.devices.get(identifier);
    if (!device) throw new HubDeviceError(`unknown device ${JSON.stringify(identifier)}`);
    return device;
  }

  connection(identifier: string): DeviceConnection | undefined {
    return this.live.get(identifier)?.connection;
  }

  requireConnection(identifier: string): DeviceConnection {
    const c = this.connection(identifier);
    if (!c) throw new HubDeviceError(`device ${JSON.stringify(identifier)} is not connected`);
    return c;
  }

  /** Runs a support script (`scripts/run`) and resolves with `output\nreturn`, trimmed. */
  runScript(identifier: string, text: string): Promise<string> {
    const device = this.requireDevice(identifier);
    const connection = this.connection(identifier);
    if (!connection?.isJoined("device")) {
      return Promise.reject(
        new HubScriptError("not_connected", `${identifier} has not joined the device topic`),
      );
    }
    if (!supports(device.deviceApiVersion, "scripts")) {
      return Promise.reject(
        new HubScriptError("incompatible_version", `${identifier} reports an API version without scripts`),
      );
    }
    // The server's refs: 4 random bytes, unpadded base64 (6 characters).
    const ref = randomBytes(4).toString("base64").replace(/=+$/, "");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#scripts.delete(ref);
        reject(new HubScriptError("timeout", `no scripts/run answer from ${identifier} within the timeout`));
      }, this.settings.scriptTimeoutMs);
      this.#scripts.set(ref, { identifier, resolve, reject, timer });
      connection.push("device", "scripts/run", { text, ref });
    });
  }

  /** A `scripts/run` answer from a device; unknown or foreign refs are ignored. */
  scriptAnswered(identifier: string, ref: string, output: string, returned: string): void {
    const waiter = this.#scripts.get(ref);
    if (!waiter || waiter.identifier !== identifier) return;
    this.#scripts.delete(ref);
    clearTimeout(waiter.timer);
    waiter.resolve(`${output}\n${returned}`.trim());
  }

  relayToConsoleSessions(identifier: string, event: string, payload: unknown): void {
    for (const listener of this.consoleListeners.get(identifier) ?? []) listener(event, payload);
  }

  close(): void {
    this.offers.close();
    for (const [ref, waiter] of this.#scripts) {
      clearTimeout(waiter.timer);
      waiter.reject(new HubScriptError("not_connected", "hub closed"));
      this.#scripts.delete(ref);
    }
  }
}
