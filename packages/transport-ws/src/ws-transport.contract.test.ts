// The ws transport runs the Transport contract against the real hub, over both serializers, with
// shared-secret devices (the hub creates each on its first connect).
import { sharedSecretIdentity } from "@nerves-hub-ts/auth-shared-secret";
import { type Hub, startHub } from "@nerves-hub-ts/hub";
import { nodeClock } from "@nerves-hub-ts/platform-node";
import { transportContract } from "@nerves-hub-ts/port-contracts";
import type { ConnectRequest } from "@nerves-hub-ts/ports";
import { afterAll, beforeAll } from "vitest";
import { FIRMWARE } from "./test-support/device.js";
import { wsTransport } from "./ws-transport.js";

const PRODUCT_KEY = "nhp_contract-key";
const PRODUCT_SECRET = "contract-secret-0123456789abcdefghijklmnopq";

let hub: Hub;
beforeAll(async () => {
  hub = await startHub({ tls: false });
  hub.addProductKey(PRODUCT_KEY, PRODUCT_SECRET);
});
afterAll(() => hub?.close());

let devices = 0;

/** A request for a new device, signed with `secret`. */
async function requestFor(
  identifier: string,
  serializer: ConnectRequest["serializer"],
  secret = PRODUCT_SECRET,
): Promise<ConnectRequest> {
  const identity = sharedSecretIdentity({
    productKey: PRODUCT_KEY,
    productSecret: secret,
    identifier,
    clock: nodeClock,
  });
  const { path, headers } = await identity.credentials();
  const vsn = serializer === "json" ? "2.0.0" : "3.0.0";
  return {
    url: `ws://127.0.0.1:${hub.port}${path}?vsn=${vsn}`,
    serializer,
    headers,
    heartbeatIntervalMs: 30_000,
    compress: false,
    connectTimeoutMs: 5_000,
  };
}

for (const serializer of ["json", "msgpack"] as const) {
  transportContract(`wsTransport over ${serializer}, against the hub`, async () => {
    devices += 1;
    const id = `contract-${serializer}-${devices}`;
    const frame = (topic: string, event: string) => ({ joinRef: null, ref: null, topic, event, payload: {} });
    return {
      transport: wsTransport(),
      request: await requestFor(id, serializer),
      refusedRequest: {
        request: await requestFor(`${id}-forged`, serializer, "forged-secret-forged-secret-forged-secret-xx"),
        kind: "http",
      },
      peer: {
        accepted: { topic: "device", params: { ...FIRMWARE, device_api_version: "2.2.0" } },
        refused: { topic: "nowhere", params: {} },
        recorded: { event: "status_update", payload: { status: "failed", reason: "no room" } },
        received: async () => {
          const event = await hub.waitFor((e) => e.type === "status_update" && e.identifier === id);
          return (event as { payload: unknown }).payload;
        },
        answered: {
          topic: "extensions",
          params: { health: "0.0.1" },
          event: "geo:attached",
          payload: {},
          status: "error",
        },
        send: (topic, event, payload) => {
          hub.push(id, topic, event, payload);
        },
        drop: () => {
          hub.kick(id);
        },
        crash: (topic) => hub.sendFrame(id, frame(topic, "phx_error")),
        closeChannel: (topic) => hub.sendFrame(id, frame(topic, "phx_close")),
      },
    };
  });
}
