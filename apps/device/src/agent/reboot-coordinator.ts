// The reboot policy: reboot at once (nerves_hub_link's behaviour), or ask the controller, who may
// say "now" or "defer"; a deferred reboot is asked about again when the delay is over. One reboot
// is pending at a time; further requests join it.

import type { Clock, Logger, TimerHandle } from "@nerves-hub-ts/ports";
import { timerDelayMs } from "@nerves-hub-ts/ports";
import type { RebootPolicy } from "../config/agent-config.js";
import type { ControlRoom } from "../control/control-room.js";
import type { RebootAnswer } from "../control/protocol.js";

export type RebootReason = "hub" | "update";

export interface RebootCoordinatorOptions {
  policy: RebootPolicy;
  room: Pick<ControlRoom, "ask" | "broadcast">;
  clock: Clock;
  logger: Logger;
  /** Reboots (or, in the sandbox, logs that it would). */
  execute(reason: RebootReason): Promise<void>;
}

export class RebootCoordinator {
  readonly #o: RebootCoordinatorOptions;
  #pending: RebootReason | undefined;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(options: RebootCoordinatorOptions) {
    this.#o = options;
  }

  /** The reason of the reboot waiting to happen, if any. */
  get pending(): RebootReason | undefined {
    return this.#pending;
  }

  request(reason: RebootReason): void {
    if (this.#pending || this.#stopped) return;
    this.#pending = reason;
    this.#o.room.broadcast("reboot_pending", { reason });
    void this.#decide(reason);
  }

  /** Forgets a deferred reboot (the agent is stopping). */
  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  async #decide(reason: RebootReason): Promise<void> {
    const { policy, room, logger } = this.#o;
    let answer: RebootAnswer = { action: "now" };
    if (policy.mode === "ask") {
      const fallback: RebootAnswer =
        policy.fallback === "now" ? { action: "now" } : { action: "defer", delay_ms: policy.deferMs };
      const settled = await room.ask("reboot", { reason }, { timeoutMs: policy.decisionTimeoutMs, fallback });
      if (settled.by === "fallback") {
        logger.info(
          `no reboot decision from the device application (${settled.why}); using reboot_fallback`,
          {
            action: settled.answer.action,
          },
        );
      }
      answer = settled.answer;
    }
    if (this.#stopped) return;
    if (answer.action === "defer") {
      const delayMs = answer.delay_ms ?? policy.deferMs;
      logger.info("reboot deferred", { reason, delayMs });
      room.broadcast("reboot_deferred", { reason, delay_ms: delayMs });
      this.#timer = this.#o.clock.setTimeout(() => void this.#decide(reason), timerDelayMs(delayMs));
      return;
    }
    room.broadcast("rebooting", { reason });
    try {
      await this.#o.execute(reason);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      logger.error("reboot failed", { reason, error: message });
      room.broadcast("reboot_failed", { reason, message });
    } finally {
      // A real reboot ends the process soon; a sandbox one does not, and the next request must be heard.
      this.#pending = undefined;
    }
  }
}
