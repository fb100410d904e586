import type { ServerPayload } from "@nerves-hub-ts/protocol";

/** An `update` the server offers: the wire payload with `firmware_url` present. */
export type UpdateOffer = Extract<ServerPayload<"device", "update">, { firmware_url: string }>;

/** What to do with an offered update. */
export type UpdateDecision =
  | { action: "apply" }
  | { action: "ignore"; reason?: string }
  /** Report `rescheduled` with `delay_for` in ms; the hub offers the update again later. */
  | { action: "reschedule"; delayMs: number; reason?: string };

/** A message from fwup, passed on to the client for logging or UI. */
export type FwupMessage =
  | { type: "progress"; percent: number }
  | { type: "ok"; code: number; text: string }
  | { type: "warning"; code: number; text: string }
  | { type: "error"; code: number; text: string };

/**
 * Port: the application's callbacks (nerves_hub_link's Client behaviour). Every one is optional and
 * has a sane default; a throwing or invalid `updateAvailable` never applies an update.
 */
export interface Client {
  /** Decide on an offered update. Default: ignore if it is the running firmware, else apply. */
  updateAvailable?(offer: UpdateOffer): UpdateDecision | Promise<UpdateDecision>;
  /** Reboot the device (after `reboot` from the hub or a completed update). */
  reboot?(): void | Promise<void>;
  /** Make the device noticeable, e.g. blink an LED. */
  identify?(): void | Promise<void>;
  /** Is the running firmware validated? Reported in the join and with `firmware_validated`. */
  firmwareValidated?(): boolean | Promise<boolean>;
  /** Did the bootloader revert a failed firmware? */
  firmwareAutoRevertDetected?(): boolean | Promise<boolean>;
  /** Every fwup message, for logs or a UI. */
  handleFwupMessage?(message: FwupMessage): void;
  /** Connection and topic errors. */
  handleError?(error: Error): void;
  /** Called on every websocket connect, before the joins finish. */
  connected?(): void;
}
