// The `console` topic (hub-server.md §5): device output is relayed to operator sessions.
import { decodeDeviceMessage, type Frame, isRecord } from "@nerves-hub-ts/protocol";
import type { HubCore } from "../core.js";
import type { DeviceRecord } from "../devices/device-record.js";
import type { Channel, InOutcome, JoinOutcome } from "../socket/channel.js";

export class ConsoleChannel implements Channel {
  constructor(
    private readonly core: HubCore,
    private readonly device: DeviceRecord,
  ) {}

  join(params: unknown): JoinOutcome {
    const p = isRecord(params) ? params : {};
    this.device.consoleVersion = typeof p.console_version === "string" ? p.console_version : null;
    return { status: "ok", response: {} };
  }

  handleIn(event: string, payload: unknown, _frame: Frame): InOutcome {
    const d = this.device;
    const decoded = decodeDeviceMessage("console", event, payload);
    if (!decoded.ok) {
      this.core.violation(d, "console", event, decoded.error.message);
      return undefined;
    }
    const type = event === "up" ? "console_up" : event.startsWith("file-data") ? "console_file" : "message";
    if (type !== "message") this.core.relayToConsoleSessions(d.identifier, event, payload);
    this.core.report(d.identifier, type, "console", event, payload);
    return undefined;
  }
}
