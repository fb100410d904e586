// Tells the control socket what the update subsystem does (received, decision, progress, installed,
// failed) and remembers the progress and the last result for the status document.
import type { Logger, UpdateEvent, UpdateHandler } from "@nerves-hub-ts/ports";
import type { ControlRoom } from "../control/control-room.js";
import { isoTime, type UpdateActivity } from "./agent-status.js";

export function broadcastUpdates(
  updates: UpdateHandler | undefined,
  room: ControlRoom,
  options: { now: () => number; logger: Logger; target: string },
): UpdateActivity {
  const activity: { -readonly [K in keyof UpdateActivity]: UpdateActivity[K] } = {
    progress: null,
    lastResult: null,
  };
  const log = options.logger;
  updates?.subscribe((event: UpdateEvent) => {
    const at = isoTime(options.now()) as string;
    switch (event.type) {
      case "received":
        room.broadcast("update_received", { uuid: event.uuid, version: event.version });
        return;
      case "decision":
        room.broadcast("update_decision", {
          action: event.action,
          ...(event.reason ? { reason: event.reason } : {}),
        });
        return;
      case "progress":
        activity.progress = { stage: event.stage, percent: event.percent };
        room.broadcast("progress", { stage: event.stage, percent: event.percent });
        return;
      case "installed":
        activity.progress = null;
        activity.lastResult = { result: "installed", uuid: event.uuid, at };
        log.info("firmware installed", { uuid: event.uuid, target: options.target });
        room.broadcast("installed", { uuid: event.uuid, target: options.target });
        return;
      case "failed":
        activity.progress = null;
        activity.lastResult = { result: "failed", reason: event.reason, at };
        log.warn("firmware update failed", { reason: event.reason });
        room.broadcast("failed", { reason: event.reason });
        return;
      case "reboot-pending":
        // The RebootCoordinator announces it, with the reason.
        return;
    }
  });
  return activity;
}
