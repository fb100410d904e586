// What the hub sends on the `device` topic (device-client.md §3.2), handed to whoever handles it:
// update and keys to the UpdateHandler, reboot and identify to the Client, extensions:get to the
// extensions topic. Malformed or unknown messages are logged once and ignored.

import type { UpdateHandler } from "@nerves-hub-ts/ports";
import { decodeServerMessage, deviceTopic, type Outgoing } from "@nerves-hub-ts/protocol";
import { errorText } from "./error-text.js";
import type { LinkContext } from "./link-context.js";

/** Routes device-topic messages from the hub. */
export class DeviceMessages {
  constructor(
    private readonly ctx: LinkContext,
    private readonly updates: UpdateHandler | undefined,
    private readonly push: (message: Outgoing) => boolean,
    /** Joins the extensions topic on the current connection. */
    private readonly joinExtensions: () => void,
  ) {}

  handle(event: string, payload: unknown): void {
    const { events, warnOnce, log } = this.ctx;
    events.emit({ type: "message", topic: "device", event, payload });
    const decoded = decodeServerMessage("device", event, payload);
    if (!decoded.ok) {
      const { field, expected } = decoded.error;
      warnOnce.warn(`device:${event}:${field}`, `malformed ${event} from the hub; ignored`, {
        event,
        field,
        expected,
      });
      return;
    }
    const message = decoded.value;
    if (message.kind === "unknown") {
      warnOnce.warn(`device:${event}`, `unknown event ${event} on the device topic; ignored`, { event });
      return;
    }
    switch (message.event) {
      case "update":
        if (this.updates)
          this.guard("update handler", () => this.updates?.handleUpdate(message.payload as never));
        else log.info("update offered but this device has no update handler; ignored");
        return;
      case "fwup_public_keys": {
        const keys = (message.payload as { keys: string[] }).keys;
        if (this.updates) this.guard("update handler", () => this.updates?.setPublicKeys(keys));
        else log.info("fwup public keys received but this device has no update handler; ignored");
        return;
      }
      case "reboot":
        // `rebooting` goes out first: the Client's reboot may take the device down at once.
        this.push(deviceTopic.rebooting());
        this.ctx.client.call("reboot", (c) =>
          c.reboot ? c.reboot() : log.info("reboot requested by the hub"),
        );
        return;
      case "identify":
        this.ctx.client.call("identify", (c) =>
          c.identify ? c.identify() : log.info("identify requested by the hub"),
        );
        return;
      case "extensions:get":
        this.joinExtensions();
        return;
      case "scripts/run": {
        // No script runner yet: answer at once so the hub does not wait out its 15 s.
        const { ref } = message.payload as { ref: string };
        this.push(
          deviceTopic.scriptFailed(ref, "unsupported", "Error running script: this device runs no scripts"),
        );
        return;
      }
      default:
        log.info(`${event} is not supported by this device; ignored`);
    }
  }

  /** A throwing UpdateHandler is logged; the link keeps going. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.ctx.log.error(`${what} failed`, { error: errorText(e) });
    }
  }
}
