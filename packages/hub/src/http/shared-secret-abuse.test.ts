// Clients that know a product key id but not its secret cannot make the hub spend unbounded CPU:
// costly parameters are refused outright, derivations are rationed per client address and per key,
// and honest devices still join while hostile upgrades are under way.
import { signSharedSecret } from "@nerves-hub-ts/nh1-token";
import { describe, expect, it } from "vitest";
import type { HubEvent } from "../events.js";
import type { Hub } from "../hub.js";
import { startTestHub } from "../test-kit/test-hub.js";
import { PRODUCT_KEY, PRODUCT_SECRET } from "../test-support/fixtures.js";
import { ManualClock } from "../test-support/manual-clock.js";
import { RawDevice, rawConnect } from "../test-support/phoenix-device.js";
import { deviceSocketUpgrade, rawExchange } from "../test-support/raw-request.js";

const HOSTILE_ADDRESS = "127.0.0.2";

/** An upgrade signed with the wrong secret: well formed, of an accepted age, naming `alg`. */
function hostileUpgrade(alg: string, signedAtSeconds: number): string {
  const headers = signSharedSecret({
    key: PRODUCT_KEY,
    secret: "not-the-secret",
    identifier: "intruder",
    signedAtSeconds,
    keyIterations: 1,
  });
  headers["x-nh-alg"] = alg;
  return deviceSocketUpgrade(headers);
}

async function withHub<T>(run: (hub: Hub, rejections: HubEvent[]) => Promise<T>, clock?: ManualClock) {
  const { hub } = await startTestHub(clock ? { clock } : {});
  const rejections: HubEvent[] = [];
  hub.on("event", (e) => {
    if (e.type === "rejected") rejections.push(e);
  });
  try {
    return await run(hub, rejections);
  } finally {
    await hub.close();
  }
}

describe("shared-secret abuse", () => {
  it.each(["NH1-HMAC-sha512-100000-1024", "NH1-HMAC-sha256-10001-32", "NH1-HMAC-sha256-1000-65"])(
    "refuses %s with the empty 401 of any bad alg, without deriving",
    (alg) =>
      withHub(async (hub, rejections) => {
        const r = await rawExchange(hub.port, hostileUpgrade(alg, Math.floor(Date.now() / 1000)));
        expect(r.status).toBe(401);
        expect(r.text).toMatch(/content-length: 0\r\n/);
        expect(r.text).not.toMatch(/nh-connection-error-reason/);
        expect(rejections).toMatchObject([{ status: 401, reason: "bad_alg" }]);
      }),
  );

  it("refuses an expired or malformed token before deriving its key", () =>
    withHub(async (hub, rejections) => {
      const now = Math.floor(Date.now() / 1000);
      await rawExchange(hub.port, hostileUpgrade("NH1-HMAC-sha256-1000-32", now - 600));
      await rawExchange(
        hub.port,
        hostileUpgrade("NH1-HMAC-sha256-1000-32", now).replace(
          /x-nh-signature: SFMyNTY/,
          "x-nh-signature: SFMyNTZ",
        ),
      );
      expect(rejections.map((e) => e.type === "rejected" && e.reason)).toEqual(["expired", "bad_token"]);
    }));

  it("rations derivations per client address on the hub's clock, then answers 503", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    return withHub(async (hub, rejections) => {
      const statuses: (number | null)[] = [];
      // Each attempt names another signing second, so no derived key can be reused.
      for (let i = 0; i < 21; i++) {
        const r = await rawExchange(
          hub.port,
          hostileUpgrade("NH1-HMAC-sha256-1000-32", clock.now() / 1000 - i),
          {
            host: "127.0.0.1",
          },
        );
        statuses.push(r.status);
      }
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(statuses[20]).toBe(503);
      expect(rejections.at(-1)).toMatchObject({ status: 503, reason: "rate_limited" });
      clock.advance(200); // one attempt's worth at 5 per second
      const again = await rawExchange(
        hub.port,
        hostileUpgrade("NH1-HMAC-sha256-1000-32", Math.floor(clock.now() / 1000) - 30),
      );
      expect(again.status).toBe(401);
    }, clock);
  }, 30_000);

  it(
    "lets honest devices join while hostile upgrades are under way",
    () =>
      withHub(async (hub, rejections) => {
        const now = Math.floor(Date.now() / 1000);
        const hostile = Array.from({ length: 50 }, (_, i) =>
          rawExchange(hub.port, hostileUpgrade("NH1-HMAC-sha512-10000-64", now - (i % 60)), {
            host: "127.0.0.1",
            localAddress: HOSTILE_ADDRESS,
            timeoutMs: 20_000,
          }),
        );
        const honest = await Promise.all(
          ["honest-1", "honest-2", "honest-3"].map(async (identifier) => {
            const headers = signSharedSecret({
              key: PRODUCT_KEY,
              secret: PRODUCT_SECRET,
              identifier,
              signedAtSeconds: Math.floor(Date.now() / 1000),
            });
            const r = await rawConnect(`${hub.deviceUrl("/device-socket/websocket")}?vsn=2.0.0`, { headers });
            if (r.kind !== "open") return `refused ${r.status}`;
            const device = new RawDevice(r.ws);
            device.sendJson(["1", "1", "device", "phx_join", { device_api_version: "2.2.0" }]);
            const reply = await device.nextJson((f) => f[3] === "phx_reply", 10_000);
            r.ws.terminate();
            return (reply[4] as { status: string }).status;
          }),
        );
        expect(honest).toEqual(["ok", "ok", "ok"]);
        const statuses = (await Promise.all(hostile)).map((r) => r.status);
        expect(statuses.filter((s) => s !== 401 && s !== 503)).toEqual([]);
        expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
        expect(rejections).toContainEqual(expect.objectContaining({ status: 503, reason: "rate_limited" }));
      }),
    30_000,
  );
});
