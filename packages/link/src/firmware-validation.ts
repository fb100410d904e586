// Whether the running firmware is validated comes from the Client and goes into the join meta
// (device-client.md §3.1). While it is not, the Client is asked again every 10 s as long as the
// device topic stays joined, and the hub hears `firmware_validated` (§3.3) once it is.
import { deviceTopic, type Outgoing } from "@nerves-hub-ts/protocol";
import type { LinkContext } from "./link-context.js";
import { AlarmId } from "./ports/alarms.js";
import type { TimerHandle } from "./ports/clock.js";

/** How often an unvalidated firmware is checked again (nerves_hub_link: 10 s). */
const POLL_MS = 10_000;

/** Tracks the firmware's validation and the bootloader's auto-revert for the hub. */
export class FirmwareValidation {
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

  /** The device topic joined: poll while the firmware is not validated and `live()` holds. */
  joined(live: () => boolean): void {
    if (!this.validated && !this.pollTimer) this.schedulePoll(live);
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
      if (!live()) return;
      if (!validated) {
        this.schedulePoll(live);
        return;
      }
      this.pollTimer = undefined;
      this.validated = true;
      // If the push cannot go out now, the next join's meta carries the news instead.
      const sent = this.push(deviceTopic.firmwareValidated());
      this.ctx.log.info("firmware validated", { reported: sent });
    }, POLL_MS);
  }
}
