// The `device` topic (hub-server.md §3, §4).
import { decodeDeviceMessage, type Frame, isRecord, UPDATE_STATUSES } from "@nerves-hub-ts/protocol";
import { supports } from "@nerves-hub-ts/versioning";
import type { HubCore } from "../core.js";
import { keptJoinParams } from "../devices/clip.js";
import {
  type DeviceRecord,
  MAX_KEPT_UPDATE_ATTEMPTS,
  recordCompletedUpdate,
} from "../devices/device-record.js";
import { inPenaltyBox, penaltyEnd, toWholeSecond } from "../devices/penalty-box.js";
import type { DeviceReportEvent } from "../events.js";
import { type Channel, ChannelCrash, type InOutcome, type JoinOutcome } from "../socket/channel.js";
import type { DeviceConnection } from "../socket/device-connection.js";
import {
  interfaceKind,
  type ResolvedFirmware,
  reportedFirmware,
  resolveFirmware,
} from "./firmware-metadata.js";

const isUpdateStatus = (s: string) => (UPDATE_STATUSES as readonly string[]).includes(s);

export class DeviceChannel implements Channel {
  constructor(
    private readonly core: HubCore,
    private readonly device: DeviceRecord,
    private readonly connection: DeviceConnection,
  ) {}

  join(params: unknown): JoinOutcome {
    // Shapes the server has no clause for crash the join.
    if (!isRecord(params)) throw new Error("join params are not an object");
    const meta = params.meta;
    if (meta !== undefined && meta !== null && !isRecord(meta)) throw new Error("meta is not an object");
    const validated = meta?.firmware_validated;
    if (validated !== undefined && validated !== null && typeof validated !== "boolean") {
      throw new Error("meta.firmware_validated is not a boolean");
    }

    const d = this.device;
    // Incomplete metadata counts only when the uuid names a known firmware; otherwise the device
    // is treated as reporting none, and its record stays as it was.
    const firmware = resolveFirmware(reportedFirmware(params), (uuid) => this.core.firmware.get(uuid)?.meta);
    const previousUuid = d.firmware?.uuid ?? null;
    d.joinParams = keptJoinParams(params);
    d.deviceApiVersion = typeof params.device_api_version === "string" ? params.device_api_version : null;
    d.validation = validated === true ? "validated" : validated === false ? "not_validated" : "unknown";
    d.autoRevertDetected = meta?.firmware_auto_revert_detected === true;
    const downloading = params.currently_downloading_uuid;
    d.currentlyDownloadingUuid = typeof downloading === "string" && downloading !== "" ? downloading : null;

    if (firmware && firmware.uuid !== previousUuid) {
      // A new uuid means the last update worked (the server's only success signal).
      if (previousUuid !== null) this.#completed(previousUuid, firmware);
      d.firmware = firmware;
    }
    if (d.currentlyDownloadingUuid === null) d.inFlight = null;
    return { status: "ok", response: {} };
  }

  #completed(fromUuid: string, firmware: ResolvedFirmware): void {
    const d = this.device;
    const at = this.core.now();
    recordCompletedUpdate(d, { at, fromUuid, toUuid: firmware.uuid });
    d.inFlight = null;
    this.core.offers.completed(d);
    this.core.log.info(
      { device: d.identifier, fromUuid, toUuid: firmware.uuid, version: firmware.version },
      "update completed",
    );
    this.core.emit({
      type: "update_completed",
      at,
      identifier: d.identifier,
      fromUuid,
      toUuid: firmware.uuid,
    });
  }

  afterJoin(): void {
    const d = this.device;
    const params = d.joinParams ?? {};
    const keys = this.core.signingKeys;
    // The server broadcasts these to the device topic (null refs); only scripts/run is a channel push.
    const broadcast = (event: string, payload: unknown) =>
      this.connection.push("device", event, payload, { fastlane: true });
    if (params.fwup_public_keys === "on_connect" && keys.length > 0) {
      broadcast("fwup_public_keys", { keys: [...keys] });
    }
    if (params.archive_public_keys === "on_connect" && keys.length > 0) {
      broadcast("archive_public_keys", { keys: [...keys] });
    }
    const archive = inPenaltyBox(d, this.core.now()) ? null : this.core.archivePayload(d);
    if (archive && supports(d.deviceApiVersion, "archives")) broadcast("archive", archive);
    if (supports(d.deviceApiVersion, "extensions")) broadcast("extensions:get", {});
    if (d.connectingCode !== null && supports(d.deviceApiVersion, "scripts")) {
      this.connection.push("device", "scripts/run", { text: d.connectingCode, ref: "connecting_code" });
    }
    this.core.offers.online(d);
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
        this.#countAttempt(now);
        this.#inFlightStatus(status, value);
        report("progress");
        break;
      }
      case "status_update": {
        const p = payload as Record<string, unknown>;
        const status = message.payload.status;
        d.lastStatus = { status, payload: p, at: now };
        this.core.log.info(
          { device: d.identifier, status, reason: typeof p.reason === "string" ? p.reason : undefined },
          "update status",
        );
        this.#countAttempt(now);
        this.#status(status, p, now);
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

  /** hub-server.md §4.5: what a status does to the in-flight update and the penalty box. */
  #status(status: string, p: Record<string, unknown>, now: number): void {
    const d = this.device;
    const deploymentId = d.inFlight?.deploymentId ?? null;
    const deployment =
      d.inFlight && deploymentId !== null ? { firmwareUuid: d.inFlight.firmwareUuid, deploymentId } : null;
    const policy = this.core.settings.penalty;
    if (/fwup error/i.test(status) || status === "failed" || status === "ignored") {
      d.inFlight = null;
      // Only a deployment update blocks; a manual push is simply not retried.
      if (deployment) this.core.offers.block(d, penaltyEnd(policy, now), status, deployment);
    } else if (status === "rescheduled" && typeof p.delay_for === "number") {
      d.inFlight = null;
      // delay_for is in milliseconds, added to the server's clock (whole seconds).
      if (deployment) this.core.offers.block(d, toWholeSecond(now) + p.delay_for, status, deployment);
    } else {
      this.#inFlightStatus(
        status,
        status === "downloading" || status === "updating" ? (d.progress?.value ?? null) : null,
      );
    }
  }

  /** The first status answering an offer counts as an update attempt (the failure limits count them). */
  #countAttempt(now: number): void {
    const d = this.device;
    if (d.inFlight !== null && d.inFlight.status !== "requested") return;
    d.updateAttempts.push(toWholeSecond(now));
    // Bounded for a device that reports statuses without ever being offered anything.
    if (d.updateAttempts.length > MAX_KEPT_UPDATE_ATTEMPTS) d.updateAttempts.shift();
  }

  /** Where the real handler has no clause (hub-server.md §9.11): the channel process dies. */
  #crashes(event: string, payload: unknown): boolean {
    if (event === "status_update") {
      const status = isRecord(payload) ? payload.status : undefined;
      if (status === "rescheduled" && isRecord(payload) && "delay_for" in payload) {
        // The server adds delay_for to a time as integer milliseconds; anything else raises.
        return !Number.isInteger(payload.delay_for);
      }
      return !(typeof status === "string" && (isUpdateStatus(status) || /fwup error/i.test(status)));
    }
    if (event === "fwup_progress" || event === "update_progress") {
      return isRecord(payload) && payload.value !== undefined && payload.value !== null;
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
