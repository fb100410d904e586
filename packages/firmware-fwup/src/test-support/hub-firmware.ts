// The `update` offer a test hub would push, for strategy tests that run a job without a link.
import type { Hub } from "@nerves-hub-ts/hub";
import type { UpdateOffer } from "@nerves-hub-ts/ports";
import { decodeServerMessage } from "@nerves-hub-ts/protocol";

/** The `update` the hub would push for this firmware, decoded the way the link decodes it. */
export function offerFor(hub: Hub, uuid: string, identifier = "test-device"): UpdateOffer {
  const decoded = decodeServerMessage("device", "update", hub.updatePayload(uuid, identifier));
  const payload = decoded.ok && decoded.value.kind === "known" ? (decoded.value.payload as object) : {};
  if (!("firmware_url" in payload)) throw new Error("the hub's update payload does not decode as an offer");
  return payload as UpdateOffer;
}
