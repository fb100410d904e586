// updateController(...): the UpdateController as a DeviceLink `updates` factory. The link hands it
// its Push, Clock, Alarms, Logger and Client, so an app names only what is its own: the strategy,
// the signing keys, the running firmware and how to reboot.
import type { Push, UpdateHandler } from "@nerves-hub-ts/ports";
import type { UpdateHandlerPorts } from "../device-link.js";
import { UpdateController, type UpdateControllerOptions } from "./update-controller.js";

/** UpdateController options minus what the link supplies. */
export type UpdateControllerSettings = Omit<
  UpdateControllerOptions,
  "push" | "clock" | "alarms" | "logger" | "client"
>;

/** A DeviceLink `updates` factory that builds an UpdateController over the link's own ports. */
export function updateController(
  settings: UpdateControllerSettings,
): (push: Push, ports: UpdateHandlerPorts) => UpdateHandler {
  return (push, { clock, alarms, logger, client }) =>
    new UpdateController({ ...settings, push, clock, alarms, logger, ...(client ? { client } : {}) });
}
