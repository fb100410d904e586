// Tells the control socket each time the link's connection status changes (with the error that
// made it back off).
import type { DeviceLink, LinkState } from "@nerves-hub-ts/link";
import type { ControlRoom } from "../control/control-room.js";

export function broadcastConnection(link: DeviceLink, room: ControlRoom): void {
  let lastStatus: LinkState["status"] | undefined;
  link.subscribe((event) => {
    if (event.type !== "state" || event.state.status === lastStatus) return;
    lastStatus = event.state.status;
    const e = event.state.lastError;
    room.broadcast("connection", {
      status: event.state.status,
      attempts: event.state.attempts,
      ...(e && event.state.status === "backing-off"
        ? { last_error: { kind: e.kind, message: e.message } }
        : {}),
    });
  });
}
