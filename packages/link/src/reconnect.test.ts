import { describe, expect, it } from "vitest";
import { StaticIdentity } from "./doubles/static-identity.js";
import { AlarmId } from "./ports/alarms.js";
import { IdentityError } from "./ports/identity.js";
import { MemoryNetworkProbe } from "./ports/network-probe.js";
import { ConnectError } from "./ports/transport.js";
import { harness, settle, startJoined } from "./test-support/harness.js";

/** Runs the next pending timer and lets the attempt it starts finish; returns how long it waited. */
async function nextAttempt(h: ReturnType<typeof harness>): Promise<number | undefined> {
  const waited = h.clock.runNext();
  await settle();
  return waited;
}

describe("reconnect backoff", () => {
  it("waits 1, 2, 4 ... 32 then 60 s forever, each inflated by jitter, without giving up", async () => {
    const h = harness({ random: [0.5] });
    for (let i = 0; i < 10; i++) h.transport.refuse("tcp", undefined, { code: "ECONNREFUSED" });
    await startJoined(h);
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 10; i++) waits.push(await nextAttempt(h));
    expect(waits).toEqual([1250, 2500, 5000, 10_000, 20_000, 40_000, 75_000, 75_000, 75_000, 75_000]);
    expect(h.transport.requests).toHaveLength(11);
    expect(h.link.state()).toMatchObject({ status: "joined", attempts: 10 });
  });

  it("draws fresh jitter for every delay", async () => {
    const h = harness({ random: [0, 0.999, 0.25] });
    h.transport.refuse("tcp").refuse("tcp").refuse("tcp");
    await startJoined(h);
    expect(h.clock.pending()).toEqual([1000]);
    await nextAttempt(h);
    expect(h.clock.pending()).toEqual([2999]);
    await nextAttempt(h);
    expect(h.clock.pending()).toEqual([4500]);
  });

  it("shows the wait in the state and sets the Disconnected alarm with the reason", async () => {
    const h = harness();
    h.transport.refuse("dns", undefined, { code: "ENOTFOUND" });
    await startJoined(h);
    expect(h.link.state()).toMatchObject({
      status: "backing-off",
      attempts: 1,
      nextAttemptAt: h.clock.now() + 1000,
      lastError: { kind: "dns", code: "ENOTFOUND" },
    });
    expect(h.alarms.active.get(AlarmId.disconnected)).toBe("[reason: dns]");
    expect(h.events.filter((e) => e.type === "error")).toHaveLength(1);
  });

  it("resets the attempt count only after the connection stayed joined for stableAfterMs", async () => {
    const h = harness({ config: { backoff: { stableAfterMs: 30_000 } } });
    h.transport.refuse("tcp").refuse("tcp");
    await startJoined(h);
    await nextAttempt(h); // 1000
    await nextAttempt(h); // 2000, then joins
    expect(h.link.state()).toMatchObject({ status: "joined", attempts: 2 });
    // A connection that dies quickly keeps escalating.
    h.clock.advance(29_999);
    h.transport.current?.drop();
    expect(h.link.state().attempts).toBe(3);
    expect(h.clock.pending()).toEqual([4000]);
    await nextAttempt(h);
    // One that lasts resets the count: the next drop waits the first step again.
    h.clock.advance(30_000);
    expect(h.link.state().attempts).toBe(0);
    h.transport.current?.drop({ kind: "remote", code: 1012, reason: "service restart" });
    expect(h.clock.pending()).toEqual([1000]);
    expect(h.link.state().lastError).toMatchObject({ kind: "closed", code: "1012" });
  });

  it("treats a heartbeat timeout as a disconnect and reconnects", async () => {
    const h = harness();
    await startJoined(h);
    h.transport.current?.drop({ kind: "heartbeat", reason: "heartbeat timeout" });
    expect(h.link.state()).toMatchObject({ status: "backing-off", lastError: { kind: "heartbeat" } });
    await nextAttempt(h);
    expect(h.transport.connections).toHaveLength(2);
    expect(h.link.state().status).toBe("joined");
  });

  it("uses a fixed socket.reconnectAfterMs list as is", async () => {
    const h = harness({ config: { socket: { reconnectAfterMs: [200, 700] } }, random: [0.9] });
    h.transport.refuse("tcp").refuse("tcp").refuse("tcp");
    await startJoined(h);
    const waits = [await nextAttempt(h), await nextAttempt(h), await nextAttempt(h)];
    expect(waits).toEqual([200, 700, 700]);
  });

  it("keeps backing off when the identity cannot produce credentials", async () => {
    const identity = new StaticIdentity();
    identity.failNext = new IdentityError("expired", "device certificate expired on 2025-01-01");
    const h = harness({ identity });
    await startJoined(h);
    expect(h.link.state().lastError).toMatchObject({
      kind: "identity",
      message: "device credentials unusable: device certificate expired on 2025-01-01",
    });
    expect(h.transport.requests).toHaveLength(0);
    await nextAttempt(h);
    expect(h.link.state().status).toBe("joined");
  });

  it("reconnect() drops the connection and connects again at once", async () => {
    const h = harness();
    await startJoined(h);
    h.link.reconnect();
    await settle();
    expect(h.transport.connections[0]?.closedByClient).toBe(true);
    expect(h.transport.connections).toHaveLength(2);
    expect(h.link.state().status).toBe("joined");
  });

  it("abandons an attempt the transport never settles, 5 s after the connect timeout", async () => {
    const h = harness({ config: { connectTimeoutMs: 10_000 } });
    h.transport.script({ hang: true });
    await startJoined(h);
    expect(h.link.state().status).toBe("connecting");
    expect(h.clock.pending()).toEqual([15_000]);
    h.clock.advance(15_000);
    expect(h.link.state()).toMatchObject({
      status: "backing-off",
      attempts: 1,
      lastError: { kind: "timeout" },
    });
    await nextAttempt(h);
    expect(h.link.state().status).toBe("joined");
  });

  it("reconnect() also cuts a hanging attempt short", async () => {
    const h = harness();
    h.transport.script({ hang: true });
    await startJoined(h);
    h.link.reconnect();
    await settle();
    expect(h.link.state().status).toBe("joined");
  });
});

describe("network wait", () => {
  it("probes 100 ms after start, then every 3 s, logging once, and only before the first attempt", async () => {
    const probe = new MemoryNetworkProbe([false, false, true]);
    const h = harness({ probe, config: { connectWaitForNetwork: true, host: "hub.test:4001" } });
    h.link.start();
    expect(h.link.state().status).toBe("waiting-for-network");
    expect(h.clock.pending()).toEqual([100]);
    await nextAttempt(h);
    expect(probe.probes).toEqual([{ host: "hub.test", port: 4001 }]);
    expect(h.clock.pending()).toEqual([3000]);
    await nextAttempt(h);
    expect(h.transport.requests).toHaveLength(0);
    await nextAttempt(h);
    expect(h.link.state().status).toBe("joined");
    expect(h.logger.find("waiting for network")).toHaveLength(1);
    h.transport.current?.drop();
    await nextAttempt(h);
    expect(probe.probes).toHaveLength(3);
    expect(h.transport.connections).toHaveLength(2);
  });

  it("probes the proxy when one is configured", async () => {
    const probe = new MemoryNetworkProbe([true]);
    const h = harness({ probe, config: { connectWaitForNetwork: true, proxy: "http://proxy.lan:3128" } });
    h.link.start();
    await nextAttempt(h);
    expect(probe.probes).toEqual([{ host: "proxy.lan", port: 3128 }]);
    expect(h.transport.requests[0]?.proxy).toBe("http://proxy.lan:3128");
  });
});

describe("redirects", () => {
  it("follows a redirect on the next attempt and stays there while it works", async () => {
    const h = harness();
    h.transport.refuse("http", 301, { location: "https://other.test:4443/socket/websocket" });
    await startJoined(h);
    await nextAttempt(h);
    expect(h.transport.requests.map((r) => r.url)).toEqual([
      "wss://hub.test/socket/websocket?vsn=2.0.0",
      "wss://other.test:4443/socket/websocket?vsn=2.0.0",
    ]);
    h.transport.current?.drop();
    await nextAttempt(h);
    expect(h.transport.requests[2]?.url).toBe("wss://other.test:4443/socket/websocket?vsn=2.0.0");
  });

  it("after too many redirects goes back to the configured hub and never gives up", async () => {
    const h = harness({ config: { maxRedirects: 2 } });
    for (let i = 0; i < 6; i++) h.transport.refuse("http", 302, { location: `/hop${i}/websocket` });
    await startJoined(h);
    for (let i = 0; i < 6; i++) await nextAttempt(h);
    expect(h.transport.requests.map((r) => new URL(r.url).pathname)).toEqual([
      "/socket/websocket",
      "/hop0/websocket",
      "/hop1/websocket",
      "/socket/websocket",
      "/hop3/websocket",
      "/hop4/websocket",
      "/socket/websocket",
    ]);
    expect(h.logger.find("too many redirects")).toHaveLength(2);
    expect(h.link.state().status).toBe("joined");
  });

  it("treats a 3xx without location as an HTTP failure against the configured hub", async () => {
    const h = harness();
    h.transport.refuse("http", 301);
    await startJoined(h);
    expect(h.link.state().lastError).toMatchObject({ kind: "http", status: 301 });
    await nextAttempt(h);
    expect(h.transport.requests[1]?.url).toBe("wss://hub.test/socket/websocket?vsn=2.0.0");
  });
});

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
