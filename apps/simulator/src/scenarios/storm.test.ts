import type { HubEvent } from "@nerves-hub-ts/hub";
import { afterEach, describe, expect, it } from "vitest";
import { openSimulation, type Simulation } from "../simulation.js";
import { testSettings } from "../test-support/settings.js";
import { storm } from "./storm.js";

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("storm scenario", () => {
  it("brings every dropped device back under the link's jittered backoff and measures the spread", async () => {
    sim = await openSimulation(testSettings("storm", { devices: 5 }).simulation);
    const hubEvents: HubEvent[] = [];
    sim.embedded?.hub.on("event", (e) => hubEvents.push(e));
    const report = await storm({ sim, say: () => {} }, { timeoutMs: 15_000 });

    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.metrics).toMatchObject({ devices: 5, dropped: 5, droppedSeen: 5, rejoined: 5 });
    // nerves_hub_link's first retry waits 1 s inflated by up to 50 % jitter, plus the reconnect itself.
    const { firstRejoinMs, lastRejoinMs, spreadMs } = report.metrics as Record<
      "firstRejoinMs" | "lastRejoinMs" | "spreadMs",
      number
    >;
    expect(firstRejoinMs).toBeGreaterThanOrEqual(1_000);
    expect(lastRejoinMs).toBeLessThan(1_500 + 1_000);
    expect(spreadMs).toBe(lastRejoinMs - firstRejoinMs);
    const closes = hubEvents.filter((e) => e.type === "disconnected");
    expect(closes.map((e) => (e as { code: number }).code)).toEqual([1012, 1012, 1012, 1012, 1012]);
    expect(sim.embedded?.hub.devices().every((d) => d.connected)).toBe(true);
  }, 20_000);
});
