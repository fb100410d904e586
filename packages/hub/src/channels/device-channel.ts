// The `device` topic (hub-server.md §3, §4).
import { decodeDeviceMessage, type Frame, UPDATE_STATUSES } from "@nerves-hub-ts/protocol";
import { supports } from "@nerves-hub-ts/versioning";
import type { HubCore } from "../core.js";
import { type DeviceRecord, recordCompletedUpdate } from "../devices/device-record.js";
import type { DeviceReportEvent } from "../events.js";
import { type Channel, ChannelCrash, type InOutcome, type JoinOutcome } from "../socket/channel.js";
import type { DeviceConnection } from "../socket/device-connection.js";
import { interfaceKind, reportedFirmware } from "./firmware-metadata.js";

const isUpdateStatus = (s: string) => (UPDATE_STATUSES as readonly string[]).includes(s);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Statuses after which the server forgets the in-flight update. */
function concludes(status: string, payload: Record<string, unknown>): boolean {
  if (/fwup error/i.test(status)) return true;
  if (status === "failed" || status === "ignored") return true;
  return status === "rescheduled" && typeof payload.delay_for === "number";
}

export class DeviceChannel implements Channel {
  constructor(
    private readonly core: HubCore,
    private readonly device: DeviceRecord,
    private readonly connection: DeviceConnection,
  ) {}

  join(params: unknown): JoinOutcome {
    // Shapes the server has no clause for crash the join.
    if (!isObject(params)) throw new Error("join params are not an object");
    const meta = params.meta;
    if (meta !== undefined && meta !== null && !isObject(meta)) throw new Error("meta is not an object");
    const validated = meta?.firmware_validated;
    if (validated !== undefined && validated !== null && typeof validated !== "boolean") {
      throw new Error("meta.firmware_validated is not a boolean");
    }

    const d = this.device;
    const firmware = reportedFirmware(params);
    const previousUuid = d.firmware?.uuid ?? null;
    d.joinParams = params;
    d.deviceApiVersion = typeof params.device_api_version === "string" ? params.device_api_version : null;
    d.validation = validated === true ? "validated" : validated === false ? "not_validated" : "unknown";
    d.autoRevertDetected = meta?.firmware_auto_revert_detected === true;
    const downloading = params.currently_downloading_uuid;
    d.currentlyDownloadingUuid = typeof downloading === "string" && downloading !== "" ? downloading : null;

    if (firmware.uuid !== null && firmware.uuid !== previousUuid) {
      // A new uuid means the last update worked (the server's only success signal).
      if (previousUuid !== null) {
        const at = this.core.now();
        recordCompletedUpdate(d, { at, fromUuid: previousUuid, toUuid: firmware.uuid });
        d.inFlight = null;
        this.core.emit({
          type: "update_completed",
          at,
          identifier: d.identifier,
          fromUuid: previousUuid,
          toUuid: firmware.uuid,
        });
      }
    }
    d.firmware = firmware;
    if (d.currentlyDownloadingUuid === null) d.inFlight = null;
    return { status: "ok", response: {} };
  }

  afterJoin(): void {
    const d = this.device;
    const params = d.joinParams ?? {};
    const keys = this.core.signingKeys;
    if (params.fwup_public_keys === "on_connect" && keys.length > 0) {
      this.connection.push("device", "fwup_public_keys", { keys: [...keys] });
    }
    if (params.archive_public_keys === "on_connect" && keys.length > 0) {
      this.connection.push("device", "archive_public_keys", { keys: [...keys] });
    }
    const archive = this.core.archivePayload(d);
    if (archive && supports(d.deviceApiVersion, "archives"))
      this.connection.push("device", "archive", archive);
    if (supports(d.deviceApiVersion, "extensions")) this.connection.push("device", "extensions:get", {});
    if (d.connectingCode !== null && supports(d.deviceApiVersion, "scripts")) {
      this.connection.push("device", "scripts/run", { text: d.connectingCode, ref: "connecting_code" });
    }
  }

  handleIn(event: string, payload: unknown, _frame: Frame): InOutcome {
    const d = this.device;
    const decoded = decodeDeviceMessage("device", event, payload);
    if (!decoded.ok) {
      this.core.violation(d, "device", event, decoded.error.message);
      if (this.#crashes(event, payload)) throw new ChannelCrash(decoded.error.message);
      return undefined;
    }
    const message = decoded.value;
    const report = (type: DeviceReportEvent["type"]) =>
      this.core.report(d.identifier, type, "device", event, payload);
    if (message.kind !== "known") {
      this.core.log.debug({ device: d.identifier, event }, "unknown device event ignored");
      report("message");
      return undefined;
    }
    const now = this.core.now();
    switch (message.event) {
      case "fwup_progress":
      case "update_progress": {
        const { value, stage } = message.payload;
        const status = stage ?? (value === 100 ? "completed" : "updating");
        d.progress = { value, stage: stage ?? null, at: now };
        this.#inFlightStatus(status, value);
        report("progress");
        break;
      }
      case "status_update": {
        const p = payload as Record<string, unknown>;
        const status = message.payload.status;
        d.lastStatus = { status, payload: p, at: now };
        if (concludes(status, p)) d.inFlight = null;
        else
          this.#inFlightStatus(
            status,
            status === "downloading" || status === "updating" ? (d.progress?.value ?? null) : null,
          );
        report("status_update");
        break;
      }
      case "firmware_validated":
        d.validation = "validated";
        report("firmware_validated");
        break;
      case "connection_types":
        d.connectionTypes = [...message.payload.values];
        report("connection_types");
        break;
      case "report_network_interface":
        d.networkInterface = {
          name: message.payload.interface,
          kind: interfaceKind(message.payload.interface),
        };
        report("network_interface");
        break;
      case "rebooting":
        report("rebooting");
        break;
      case "scripts/run": {
        const { ref, output, return: returned } = message.payload;
        this.core.scriptAnswered(d.identifier, ref, output, returned);
        report("script_result");
        break;
      }
    }
    // The device channel never replies to pushes.
    return undefined;
  }

  /** Where the real handler has no clause (hub-server.md §9.11): the channel process dies. */
  #crashes(event: string, payload: unknown): boolean {
    if (event === "status_update") {
      const status = isObject(payload) ? payload.status : undefined;
      return !(typeof status === "string" && (isUpdateStatus(status) || /fwup error/i.test(status)));
    }
    if (event === "fwup_progress" || event === "update_progress") {
      return isObject(payload) && payload.value !== undefined && payload.value !== null;
    }
    return false;
  }

  #inFlightStatus(status: string, progress: number | null): void {
    const d = this.device;
    if (!d.inFlight) {
      const uuid = d.currentlyDownloadingUuid;
      if (uuid === null) return;
      d.inFlight = {
        firmwareUuid: uuid,
        deploymentId: null,
        status: "requested",
        progress: null,
        startedAt: this.core.now(),
      };
    }
    d.inFlight.status = status;
    d.inFlight.progress = progress;
  }
}
