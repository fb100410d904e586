// A raw JSON (vsn 2.0.0) device authenticated with the test product key, for frame-level tests.
import type { Hub } from "../hub.js";
import { sharedSecretHeaders } from "./fixtures.js";
import { RawDevice, rawConnect } from "./phoenix-device.js";

/** Connects; `hubNow` signs with the hub's time (a hub on a fake clock that has moved on). */
export async function rawDevice(hub: Hub, identifier: string, hubNow = Date.now()): Promise<RawDevice> {
  const offsetSeconds = Math.round((hubNow - Date.now()) / 1000);
  const r = await rawConnect(`${hub.deviceUrl("/device-socket/websocket")}?vsn=2.0.0`, {
    headers: sharedSecretHeaders(identifier, { offsetSeconds }),
  });
  if (r.kind !== "open") throw new Error(`refused with ${r.status}`);
  return new RawDevice(r.ws);
}

/** Joins `topic` with join_ref and ref "1" and returns the reply's payload. */
export async function rawJoin(d: RawDevice, topic: string, params: object): Promise<unknown> {
  d.sendJson(["1", "1", topic, "phx_join", params]);
  const reply = await d.nextJson((f) => f[2] === topic && f[3] === "phx_reply" && f[1] === "1");
  return reply[4];
}

/** Resolves once the hub has handled everything sent before (a heartbeat round trip). */
export async function settled(d: RawDevice): Promise<void> {
  const ref = `hb-${Math.random()}`;
  d.sendJson([null, ref, "phoenix", "heartbeat", {}]);
  await d.nextJson((f) => f[1] === ref);
}
