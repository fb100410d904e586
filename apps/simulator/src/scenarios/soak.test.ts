import { describe, expect, it } from "vitest";
import { openSimulation } from "../simulation.js";
import { testSettings } from "../test-support/settings.js";
import { soak } from "./soak.js";

describe("soak scenario", () => {
  it("holds the fleet and reports memory and heartbeat round trips", async () => {
    const sim = await openSimulation(
      testSettings("soak", { devices: 3, heartbeatIntervalMs: 500 }).simulation,
    );
    try {
      const report = await soak({ sim, say: () => {} }, { durationMs: 2_000, timeoutMs: 10_000 });
      expect(report.ok).toBe(true);
      expect(report.metrics).toMatchObject({ devices: 3, joinedAtEnd: 3, drops: 0 });
      // 3 devices × one heartbeat per 500 ms for 2 s, give or take the edges.
      expect(report.metrics.heartbeats).toBeGreaterThanOrEqual(6);
      expect(report.metrics.heartbeatP50).toBeGreaterThan(0);
      expect(report.metrics.heartbeatP99).toBeGreaterThanOrEqual(report.metrics.heartbeatP50 as number);
      expect(report.metrics.rssEnd).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  }, 20_000);
});
