// Starting the hub for firmware tests, and deterministic firmware bytes.
import { createHash } from "node:crypto";
import { type Hub, type HubEvent, startHub } from "@nerves-hub-ts/hub";
import type { UpdateOffer } from "@nerves-hub-ts/ports";
import { decodeServerMessage } from "@nerves-hub-ts/protocol";

export { firmwareBytes } from "./bytes.js";

export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export interface FirmwareHub {
  hub: Hub;
  /** Range header of every firmware request, in order (null: none). */
  ranges(): (string | null)[];
  close(): Promise<void>;
}

export async function startFirmwareHub(): Promise<FirmwareHub> {
  const hub = await startHub();
  const downloads: HubEvent[] = [];
  hub.on("event", (e) => {
    if (e.type === "firmware_download") downloads.push(e);
  });
  return {
    hub,
    ranges: () => downloads.flatMap((e) => (e.type === "firmware_download" ? [e.range] : [])),
    close: () => hub.close(),
  };
}

/** The `update` the hub would push for this firmware, decoded the way the link decodes it. */
export function offerFor(hub: Hub, uuid: string, identifier = "test-device"): UpdateOffer {
  const decoded = decodeServerMessage("device", "update", hub.updatePayload(uuid, identifier));
  const payload = decoded.ok && decoded.value.kind === "known" ? (decoded.value.payload as object) : {};
  if (!("firmware_url" in payload)) throw new Error("the hub's update payload does not decode as an offer");
  return payload as UpdateOffer;
}
