// Delays longer than a Node timer can hold must wait the longest delay it can, not fire at once.
// ManualClock behaves like Node here: a delay above MAX_TIMER_DELAY_MS fires after 1 ms.

import { MAX_TIMER_DELAY_MS } from "@nerves-hub-ts/ports";
import { describe, expect, it } from "vitest";
import { ManualClock } from "./doubles/manual-clock.js";
import { harness, settle, startJoined } from "./test-support/harness.js";
import { ScriptedStrategy } from "./updates/test-support/scripted-strategy.js";
import { UpdateController } from "./updates/update-controller.js";

const TOO_LONG = 3_000_000_000;

describe("timer limits", () => {
  it("ManualClock, like Node, fires a delay beyond the limit after 1 ms", () => {
    const clock = new ManualClock();
    let fired = 0;
    clock.setTimeout(() => fired++, TOO_LONG);
    clock.setTimeout(() => fired++, MAX_TIMER_DELAY_MS);
    clock.advance(1);
    expect(fired).toBe(1);
    expect(clock.pending()).toEqual([MAX_TIMER_DELAY_MS - 1]);
  });

  it("a reconnect delay beyond the limit waits the longest delay instead of retrying at once", async () => {
    const h = harness({ config: { socket: { reconnectAfterMs: [TOO_LONG] } } });
    h.transport.refuse("tcp");
    await startJoined(h);
    expect(h.clock.pending()).toEqual([MAX_TIMER_DELAY_MS]);
    expect(h.link.state().nextAttemptAt).toBe(h.clock.now() + MAX_TIMER_DELAY_MS);
    h.clock.advance(1);
    await settle();
    expect(h.transport.requests).toHaveLength(1);
  });

  it("a rejoin delay beyond the limit does not rejoin at once", async () => {
    const h = harness({ config: { rejoinAfterMs: [TOO_LONG] } });
    await startJoined(h);
    const conn = h.transport.current;
    conn?.crashChannel("device");
    h.clock.advance(1);
    await settle();
    expect(conn?.joins).toHaveLength(1);
    h.clock.advance(MAX_TIMER_DELAY_MS);
    await settle();
    expect(conn?.joins).toHaveLength(2);
  });

  it("the stable-connection timer and the transport's heartbeat and connect timeout are clamped", async () => {
    const h = harness({
      config: {
        heartbeatIntervalMs: TOO_LONG,
        connectTimeoutMs: TOO_LONG,
        backoff: { stableAfterMs: TOO_LONG },
      },
    });
    h.transport.refuse("tcp");
    await startJoined(h);
    h.clock.runNext();
    await settle();
    expect(h.link.state()).toMatchObject({ status: "joined", attempts: 1 });
    h.clock.advance(1);
    expect(h.link.state().attempts).toBe(1);
    expect(h.transport.requests[0]).toMatchObject({
      heartbeatIntervalMs: MAX_TIMER_DELAY_MS,
      connectTimeoutMs: MAX_TIMER_DELAY_MS,
    });
  });

  it("a decision deadline beyond the limit does not expire at once", async () => {
    const clock = new ManualClock();
    const pushed: string[] = [];
    const updates = new UpdateController({
      strategy: new ScriptedStrategy(),
      push: (m) => pushed.push((m.payload as { status?: string }).status ?? m.event) > 0,
      clock,
      publicKeys: ["AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="],
      decisionTimeoutMs: TOO_LONG,
      client: { updateAvailable: () => new Promise(() => {}) },
    });
    updates.handleUpdate({ firmware_url: "https://fw.test/a.fw", firmware_meta: { uuid: "u" } });
    clock.advance(1);
    await settle();
    expect(pushed).toEqual(["received"]);
  });
});
