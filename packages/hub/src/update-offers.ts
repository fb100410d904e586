// Offering updates to devices, and the penalty box that holds deployment updates back
// (hub-server.md §4.4, §4.5). The hub has no orchestrator: `deploy` offers, and a device blocked
// by a deployment update is offered the same update again once its block ends, as the server's
// orchestrator would on its next run.

import type { Logger } from "pino";
import type { DeviceRecord } from "./devices/device-record.js";
import { inPenaltyBox, overFailureLimits, type PenaltyPolicy, penaltyEnd } from "./devices/penalty-box.js";
import type { FirmwareStore } from "./firmware/store.js";
import { HubDeviceError } from "./hub-errors.js";
import type { DeviceConnection } from "./socket/device-connection.js";
import type { Clock, TimerHandle } from "./time/clock.js";
import { updatePayload } from "./update-payload.js";

export type OfferOutcome = "sent" | "blocked" | "not_connected";

interface Deployment {
  firmwareUuid: string;
  deploymentId: number;
}

/** What offering updates needs from the hub core (an interface, so the core can own its offers). */
export interface OfferHost {
  readonly settings: { readonly clock: Clock; readonly penalty: PenaltyPolicy };
  readonly firmware: FirmwareStore;
  readonly log: Logger;
  now(): number;
  connection(identifier: string): DeviceConnection | undefined;
  firmwareUrl(firmwareUuid: string, identifier: string | null): string;
}

export class UpdateOffers {
  /** The deployment each blocked device is offered again when its block ends. */
  readonly #pending = new Map<string, Deployment>();
  readonly #timers = new Map<string, TimerHandle>();

  constructor(private readonly core: OfferHost) {}

  /**
   * Pushes `update` (a fastlane broadcast: null refs) and records the in-flight update. A deployment
   * update (`deploymentId` not null) is held back from a device in the penalty box, or one that has
   * reached the failure limits (which puts it there); a manual push is not.
   */
  offer(device: DeviceRecord, firmwareUuid: string, deploymentId: number | null): OfferOutcome {
    const { core } = this;
    const now = core.now();
    const connection = core.connection(device.identifier);
    if (!connection?.isJoined("device")) return "not_connected";
    if (deploymentId !== null) {
      if (inPenaltyBox(device, now)) {
        device.inFlight = null;
        this.#remember(device, { firmwareUuid, deploymentId });
        return "blocked";
      }
      const over = overFailureLimits(device, core.settings.penalty, now);
      if (over) {
        device.inFlight = null;
        device.updateAttempts = [];
        this.block(device, penaltyEnd(core.settings.penalty, now), over, { firmwareUuid, deploymentId });
        return "blocked";
      }
    }
    const record = core.firmware.get(firmwareUuid);
    if (!record) throw new HubDeviceError(`unknown firmware ${JSON.stringify(firmwareUuid)}`);
    const url = core.firmwareUrl(record.uuid, device.identifier);
    connection.push("device", "update", updatePayload(record, url, deploymentId), { fastlane: true });
    device.inFlight = { firmwareUuid, deploymentId, status: "requested", progress: null, startedAt: now };
    core.log.info({ device: device.identifier, firmwareUuid, deploymentId }, "update pushed");
    return "sent";
  }

  /** Blocks the device's deployment updates until `until`; the update is offered again then. */
  block(device: DeviceRecord, until: number, reason: string, deployment: Deployment | null): void {
    device.updatesBlockedUntil = until;
    this.core.log.info(
      { device: device.identifier, until: new Date(until).toISOString(), reason },
      "device updates blocked",
    );
    if (deployment) this.#remember(device, deployment);
  }

  /** An update completed: attempts and the block are cleared, nothing is pending. */
  completed(device: DeviceRecord): void {
    device.updateAttempts = [];
    device.updatesBlockedUntil = null;
    this.#forget(device.identifier);
  }

  /** The device joined: a pending offer whose block has ended goes out now. */
  online(device: DeviceRecord): void {
    const pending = this.#pending.get(device.identifier);
    if (pending && !inPenaltyBox(device, this.core.now())) this.#reoffer(device, pending);
  }

  close(): void {
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
    this.#pending.clear();
  }

  #remember(device: DeviceRecord, deployment: Deployment): void {
    const { identifier } = device;
    this.#forget(identifier);
    this.#pending.set(identifier, deployment);
    const wait = (device.updatesBlockedUntil ?? 0) - this.core.now();
    this.#timers.set(
      identifier,
      this.core.settings.clock.setTimeout(() => {
        this.#timers.delete(identifier);
        if (this.core.connection(identifier)) this.#reoffer(device, deployment);
      }, wait),
    );
  }

  #reoffer(device: DeviceRecord, deployment: Deployment): void {
    if (device.deleted || device.firmware?.uuid === deployment.firmwareUuid || device.inFlight) {
      this.#forget(device.identifier);
      return;
    }
    if (this.offer(device, deployment.firmwareUuid, deployment.deploymentId) === "sent")
      this.#forget(device.identifier);
  }

  #forget(identifier: string): void {
    this.#timers.get(identifier)?.cancel();
    this.#timers.delete(identifier);
    this.#pending.delete(identifier);
  }
}
