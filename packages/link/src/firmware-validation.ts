// Whether the running firmware is validated comes from the Client and goes into the join meta
// (device-client.md §3.1). While it is not, the Client is asked again every 10 s as long as the
// device topic stays joined, and the hub hears `firmware_validated` (§3.3) once it is. An app that
// knows the moment (a `mark-valid` command) asks for a check now instead of waiting for the poll.

import type { TimerHandle } from "@nerves-hub-ts/ports";
import { AlarmId } from "@nerves-hub-ts/ports";
import { deviceTopic, type Outgoing } from "@nerves-hub-ts/protocol";
import type { LinkContext } from "./link-context.js";

/** How often an unvalidated firmware is checked again (nerves_hub_link: 10 s). */
const POLL_MS = 10_000;

/** Tracks the firmware's validation and the bootloader's auto-revert for the hub. */
export class FirmwareValidation {
  /** What the hub was last told: the join meta, or a `firmware_validated` push that went out. */
  private validated = true;
  private pollTimer?: TimerHandle;

  constructor(
    private readonly ctx: LinkContext,
    private readonly push: (message: Outgoing) => boolean,
  ) {}

  /** Asks the Client, for the join params, and remembers the answer. */
  async check(): Promise<boolean> {
    this.validated = await this.ctx.client.flag("firmwareValidated", true);
    return this.validated;
  }

  /**
   * The device topic joined with `told` in its meta: that is now what the hub knows (a rejoin reuses
   * the connect's params, so it can say "not validated" after a push said otherwise). Poll while the
   * hub believes the firmware is not validated and `live()` holds.
   */
  joined(told: boolean, live: () => boolean): void {
    this.validated = told;
    if (!this.validated && !this.pollTimer) this.schedulePoll(live);
  }

  /**
   * Asks the Client now and, when the hub was told the firmware is not validated and now it is,
   * pushes `firmware_validated` at once. Resolves with the Client's answer.
   */
  async checkNow(): Promise<boolean> {
    const validated = await this.ctx.client.flag("firmwareValidated", true);
    if (validated && !this.validated) this.report();
    return validated;
  }

  /** The connection went away; the next join polls again if need be. */
  cancel(): void {
    this.pollTimer?.cancel();
    this.pollTimer = undefined;
  }

  /** At start: a bootloader that went back to the previous firmware raises FirmwareReverted. */
  async checkAutoRevert(): Promise<void> {
    if (await this.ctx.client.flag("firmwareAutoRevertDetected", false)) {
      this.ctx.log.warn("firmware auto-revert detected: the bootloader went back to the previous firmware");
      this.ctx.alarms.set(AlarmId.firmwareReverted, "[]");
    }
  }

  private schedulePoll(live: () => boolean): void {
    this.pollTimer = this.ctx.clock.setTimeout(async () => {
      const validated = await this.ctx.client.flag("firmwareValidated", true);
      // A checkNow may have reported it meanwhile.
      if (!live() || this.validated) return;
      if (!validated) {
        this.schedulePoll(live);
        return;
      }
      this.pollTimer = undefined;
      this.report();
    }, POLL_MS);
  }

  /** Tells the hub. A push that cannot go out now is left to the next join (its meta, or its poll). */
  private report(): void {
    const sent = this.push(deviceTopic.firmwareValidated());
    if (sent) {
      this.validated = true;
      this.cancel();
    }
    this.ctx.log.info("firmware validated", { reported: sent });
  }
}
