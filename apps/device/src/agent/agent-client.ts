// The link's Client for the reference agent: updates are decided by the update policy (or the
// controller on the control socket), hub reboots go through the RebootCoordinator, identify is
// broadcast to the controller, and firmware validation comes from the firmware source.

import type { FirmwareSource } from "@nerves-hub-ts/platform-node";
import type { Client, Logger } from "@nerves-hub-ts/ports";
import type { UpdatePolicy } from "../config/agent-config.js";
import type { ControlRoom } from "../control/control-room.js";
import type { RebootCoordinator } from "./reboot-coordinator.js";
import { updateDecider } from "./update-decider.js";

export interface AgentClientParts {
  updatePolicy: UpdatePolicy;
  room: ControlRoom;
  reboots: RebootCoordinator;
  firmware: FirmwareSource;
  runningFirmwareUuid: string | undefined;
  logger: Logger;
}

export function agentClient(p: AgentClientParts): Client {
  const log = p.logger;
  return {
    updateAvailable: updateDecider(p.updatePolicy, p.room, () => p.runningFirmwareUuid, log),
    reboot: () => p.reboots.request("hub"),
    identify: () => {
      log.info("identify requested by the hub");
      p.room.broadcast("identify");
    },
    firmwareValidated: () => p.firmware.validated(),
    firmwareAutoRevertDetected: () => p.firmware.autoRevertDetected(),
    handleFwupMessage: (m) => {
      if (m.type === "warning") log.warn("fwup warning", { code: m.code, text: m.text });
      if (m.type === "error") log.error("fwup error", { code: m.code, text: m.text });
    },
  };
}
