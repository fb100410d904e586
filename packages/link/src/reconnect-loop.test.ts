import { AlarmId, IdentityError } from "@nerves-hub-ts/ports";
import { describe, expect, it } from "vitest";
import { StaticIdentity } from "./doubles/static-identity.js";
import { harness, nextAttempt, settle, startJoined } from "./test-support/harness.js";

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

  it("passes the transport's heartbeat round trips on as link events", async () => {
    const h = harness();
    await startJoined(h);
    const first = h.transport.current;
    first?.heartbeatAnswered(12.5);
    h.link.reconnect();
    await settle();
    first?.heartbeatAnswered(99);
    h.transport.current?.heartbeatAnswered(3);
    expect(h.events.filter((e) => e.type === "heartbeat")).toEqual([
      { type: "heartbeat", rttMs: 12.5 },
      { type: "heartbeat", rttMs: 3 },
    ]);
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
