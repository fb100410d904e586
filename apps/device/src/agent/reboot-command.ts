// Reboots by running reboot_command; without one (the sandbox default) the reboot is only logged.

import { runShell } from "@nerves-hub-ts/platform-node";
import type { Logger } from "@nerves-hub-ts/ports";
import type { RebootReason } from "./reboot-coordinator.js";

/** Resolves true when the reboot command ran, false when there is none. */
export type Reboot = (reason: RebootReason | "local") => Promise<boolean>;

export function rebootCommand(command: string | undefined, log: Logger): Reboot {
  return async (reason) => {
    if (!command) {
      log.warn("reboot requested, but reboot_command is not set (sandbox target): not rebooting", { reason });
      return false;
    }
    log.info("rebooting", { reason, command });
    await runShell(command, { timeoutMs: 60_000 });
    return true;
  };
}
