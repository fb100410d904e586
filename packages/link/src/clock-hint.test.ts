import { ConnectError } from "@nerves-hub-ts/ports";
import { describe, expect, it } from "vitest";
import { StaticIdentity } from "./doubles/static-identity.js";
import { harness, nextAttempt, startJoined } from "./test-support/harness.js";

describe("clock skew", () => {
  const secretIdentity = () =>
    new StaticIdentity({ path: "/device-socket/websocket", headers: { "x-nh-key": "k" } }, "shared-secret");

  it("signs the next attempt with the hub's Date and says the clock looks wrong", async () => {
    const identity = secretIdentity();
    const h = harness({ identity });
    const hubNow = h.clock.now() + 5 * 60_000;
    h.transport.refuse("http", 401, { date: new Date(hubNow).toUTCString() });
    await startJoined(h);
    expect(h.link.state().lastError).toMatchObject({ kind: "clock", status: 401 });
    const warning = h.logger.find("device clock looks wrong");
    expect(warning).toHaveLength(1);
    expect(warning[0]?.msg).toContain("300 s behind the hub's Date header");
    expect(h.events).toContainEqual({ type: "clock-skew", skewMs: -300_000 });
    await nextAttempt(h);
    // The hint is the hub's time now: its Date plus the 1 s the device waited since.
    expect(identity.hints).toEqual([undefined, { serverTimeMs: hubNow + 1000 }]);
    expect(h.link.state().status).toBe("joined");
    h.transport.current?.drop();
    await nextAttempt(h);
    expect(identity.hints[2]).toBeUndefined();
  });

  it("stays quiet about the clock and calls it an auth failure when the clocks agree", async () => {
    const h = harness({ identity: secretIdentity() });
    h.transport.refuse("http", 401, { date: new Date(h.clock.now() + 2000).toUTCString() });
    await startJoined(h);
    expect(h.link.state().lastError).toMatchObject({ kind: "auth", status: 401 });
    expect(h.logger.find("device clock looks wrong")).toHaveLength(0);
  });

  it("calls a server certificate that is not yet valid a clock problem", async () => {
    const h = harness();
    await h.transport.script({
      refuse: new ConnectError("tls", "certificate is not yet valid", { code: "CERT_NOT_YET_VALID" }),
    });
    await startJoined(h);
    expect(h.link.state().lastError?.kind).toBe("clock");
  });
});
