import type { Offer } from "../decision.js";

/** A valid base64 Ed25519-sized public key. */
export const KEY = btoa("k".repeat(32));

export function offer(uuid = "fw-2", extra: Partial<Offer> = {}): Offer {
  return {
    update_available: true,
    firmware_url: `http://hub.test/firmware/${uuid}.fw?sig=secret`,
    firmware_meta: { uuid, version: "2.0.0", product: "widget", platform: "rpi4", architecture: "arm" },
    size: 1000,
    ...extra,
  };
}
