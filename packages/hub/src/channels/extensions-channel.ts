// The `extensions` topic (hub-server.md §6): join map → attachable names, then per-extension messages.
import {
  decodeDeviceMessage,
  EXTENSION_NAMES,
  type ExtensionName,
  type Frame,
  isRecord,
  NETWORK_IDENTITY_SERVICES,
  splitExtensionEvent,
} from "@nerves-hub-ts/protocol";
import { extensionVersionAccepted } from "@nerves-hub-ts/versioning";
import type { HubCore } from "../core.js";
import type { DeviceRecord } from "../devices/device-record.js";
import type { DeviceReportEvent } from "../events.js";
import type { Channel, InOutcome, JoinOutcome } from "../socket/channel.js";
import type { DeviceConnection } from "../socket/device-connection.js";
import { every, type TimerHandle } from "../time/clock.js";

/** What the server pushes when a device attaches an extension (and repeats for health and geo). */
const ATTACH_REQUEST: Partial<Record<ExtensionName, string>> = {
  health: "health:check",
  geo: "geo:location:request",
  network_identity: "network_identity:request",
  local_shell: "local_shell:request_shell",
};

const REPORT_TYPES: Partial<Record<ExtensionName, DeviceReportEvent["type"]>> = {
  health: "health_report",
  geo: "location",
  network_identity: "network_identity",
  logging: "log",
  local_shell: "local_shell",
};

const isKnown = (name: string): name is ExtensionName =>
  (EXTENSION_NAMES as readonly string[]).includes(name);

/** The server's `logging` limit: a bucket of 10 lines refilled at 5 per second. */
class LogBucket {
  #tokens = 10;
  #last: number;
  constructor(now: number) {
    this.#last = now;
  }
  take(now: number): boolean {
    this.#tokens = Math.min(10, this.#tokens + ((now - this.#last) / 1000) * 5);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export class ExtensionsChannel implements Channel {
  #requested: Record<string, unknown> = {};
  #attachable = new Set<ExtensionName>();
  readonly #logs: LogBucket;
  /** Repeating requests of attached extensions (health, and geo when configured). */
  readonly #repeats = new Map<ExtensionName, TimerHandle>();

  constructor(
    private readonly core: HubCore,
    private readonly device: DeviceRecord,
    private readonly connection: DeviceConnection,
    private readonly allowed: ReadonlySet<ExtensionName>,
  ) {
    this.#logs = new LogBucket(core.now());
  }

  join(params: unknown): JoinOutcome {
    if (!isRecord(params)) throw new Error("extensions join params are not an object");
    const requested = params;
    for (const [name, version] of Object.entries(requested)) {
      if (typeof version !== "string") throw new Error(`extension ${name} version is not a string`);
    }
    this.#requested = requested;
    this.#attachable = new Set(
      Object.entries(requested)
        .filter(([name, version]) => isKnown(name) && extensionVersionAccepted(version))
        .map(([name]) => name as ExtensionName)
        .filter((name) => this.allowed.has(name) && !this.device.extensionsDisabled.includes(name))
        // The server's logging module is enabled only with platform analytics.
        .filter((name) => name !== "logging" || this.core.settings.analytics),
    );
    this.device.extensionsRequested = { ...requested };
    this.device.extensionsAttached = [];
    return { status: "ok", response: [...this.#attachable].sort() };
  }

  handleIn(event: string, payload: unknown, _frame: Frame): InOutcome {
    const d = this.device;
    const split = splitExtensionEvent(event);
    const name = split?.[0];
    if (!name || !(name in this.#requested) || !isKnown(name) || !this.#attachable.has(name)) {
      return { reply: { status: "error", response: "detach" } };
    }
    const decoded = decodeDeviceMessage("extensions", event, payload);
    if (!decoded.ok) {
      // Extension handlers log and swallow bad input; the channel stays up.
      this.core.violation(d, "extensions", event, decoded.error.message);
      return undefined;
    }
    const message = decoded.value;
    if (message.kind === "lifecycle") {
      if (message.action === "attached") {
        if (!d.extensionsAttached.includes(name)) d.extensionsAttached.push(name);
        const request = ATTACH_REQUEST[name];
        if (request) this.connection.push("extensions", request, {});
        this.#repeat(name);
        this.core.report(d.identifier, "extension_attached", "extensions", event, payload);
      } else {
        d.extensionsAttached = d.extensionsAttached.filter((n) => n !== name);
        this.#stopRepeat(name);
        const type = message.action === "detached" ? "extension_detached" : "extension_error";
        this.core.report(d.identifier, type, "extensions", event, payload);
      }
      return undefined;
    }
    if (!d.extensionsAttached.includes(name)) return undefined;
    this.#record(name, event, payload);
    return undefined;
  }

  terminate(): void {
    for (const name of [...this.#repeats.keys()]) this.#stopRepeat(name);
  }

  /** Health every `healthIntervalMinutes`; geo every `geoIntervalMinutes` when above 0 (else once). */
  #repeat(name: ExtensionName): void {
    const { healthIntervalMinutes, geoIntervalMinutes, clock } = this.core.settings;
    const minutes = name === "health" ? healthIntervalMinutes : name === "geo" ? geoIntervalMinutes : 0;
    const request = ATTACH_REQUEST[name];
    if (!request || !(minutes > 0)) return;
    this.#stopRepeat(name);
    this.#repeats.set(
      name,
      every(clock, minutes * 60_000, () => this.connection.push("extensions", request, {})),
    );
  }

  #stopRepeat(name: ExtensionName): void {
    this.#repeats.get(name)?.cancel();
    this.#repeats.delete(name);
  }

  #record(name: ExtensionName, event: string, payload: unknown): void {
    const d = this.device;
    const p = payload as Record<string, unknown>;
    switch (event) {
      case "health:report": {
        const value = p.value as Record<string, unknown> | null;
        if (value === null) return;
        d.health = value;
        d.alarms =
          typeof value.alarms === "object" && value.alarms !== null
            ? (value.alarms as Record<string, unknown>)
            : {};
        break;
      }
      case "geo:location:update":
        d.location = { ...p };
        break;
      case "network_identity:report": {
        const identities = (p.identities as Record<string, unknown>[])
          .slice(0, 10)
          .filter((i) => (NETWORK_IDENTITY_SERVICES as readonly unknown[]).includes(i.service));
        for (const identity of identities) {
          const instance =
            typeof identity.instance === "string" && identity.instance !== "" ? identity.instance : "default";
          d.networkIdentities = d.networkIdentities.filter(
            (known) => !(known.service === identity.service && known.instance === instance),
          );
          d.networkIdentities.push({ ...identity, instance });
        }
        break;
      }
      case "logging:send":
        if (!this.#logs.take(this.core.now())) return;
        break;
    }
    this.core.report(d.identifier, REPORT_TYPES[name] ?? "message", "extensions", event, payload);
  }
}
