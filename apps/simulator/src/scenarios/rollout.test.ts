import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedHub } from "../hub/embedded-hub.js";
import { openSimulation, type Simulation } from "../simulation.js";
import { testSettings } from "../test-support/settings.js";
import { rollout } from "./rollout.js";

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function open(simulation: Parameters<typeof testSettings>[1]): Promise<Simulation> {
  const sim = await openSimulation(testSettings("rollout", simulation).simulation);
  opened.push(sim);
  return sim;
}

const quiet = { say: () => {} };

describe("rollout scenario", () => {
  it("moves every device to the new release and the hub records each update as completed", async () => {
    const sim = await open({ devices: 5 });
    const report = await rollout({ sim, ...quiet }, { firmwareSize: 128 * 1024, timeoutMs: 15_000 });

    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.metrics).toMatchObject({
      devices: 5,
      offered: 5,
      completed: 5,
      rejoined: 5,
      hubConfirmed: 5,
    });
    expect(report.metrics.allDoneMs).toBeGreaterThan(0);
    const hub = sim.embedded?.hub;
    const target = sim.fleet.target?.uuid;
    const records = hub?.devices() ?? [];
    expect(records).toHaveLength(5);
    for (const d of records) {
      expect(d.firmware?.version).toBe("1.1.0");
      expect(d.completedUpdates).toEqual([
        expect.objectContaining({ fromUuid: sim.firmware.uuid, toUuid: target }),
      ]);
      expect(d.inFlight).toBeNull();
    }
    // The sandbox received the whole image each time, byte for byte.
    const release = hub?.firmware(target as string);
    expect(sim.installer.installs).toHaveLength(5);
    for (const install of sim.installer.installs) {
      expect(install.result).toEqual({ ok: true });
      expect(install.size).toBe(128 * 1024);
      expect(install.sha256.toUpperCase()).toBe(release?.checksum);
    }
  }, 20_000);

  it("works with per-device certificates over MessagePack", async () => {
    const sim = await open({ devices: 3, auth: "cert", serializer: "msgpack" });
    const report = await rollout({ sim, ...quiet }, { firmwareSize: 64 * 1024, timeoutMs: 15_000 });

    expect(report.ok).toBe(true);
    const records = sim.embedded?.hub.devices() ?? [];
    expect(records.map((d) => [d.auth, d.vsn, d.createdVia, d.firmware?.version])).toEqual([
      ["certificate", "3.0.0", "jitp", "1.1.0"],
      ["certificate", "3.0.0", "jitp", "1.1.0"],
      ["certificate", "3.0.0", "jitp", "1.1.0"],
    ]);
  }, 20_000);

  it("drives another hub through its operator API", async () => {
    const other = await startEmbeddedHub({ operatorToken: "test-operator-token" });
    opened.push(other);
    const sim = await open({
      devices: 3,
      hub: {
        url: other.url,
        caPems: [other.ca.certPem],
        productKey: other.productKey,
        operator: { url: other.hub.operatorUrl, token: "test-operator-token" },
      },
    });
    expect(sim.embedded).toBeUndefined();
    const report = await rollout({ sim, ...quiet }, { firmwareSize: 64 * 1024, timeoutMs: 15_000 });

    expect(report.ok).toBe(true);
    expect(other.hub.devices().map((d) => d.firmware?.version)).toEqual(["1.1.0", "1.1.0", "1.1.0"]);
    const fw = other.hub.firmware(sim.fleet.target?.uuid as string);
    expect(fw?.meta.product).toBe("simulator");
    expect(fw?.size).toBe(64 * 1024);
  }, 20_000);

  it("refuses to deploy without a way to control the hub", async () => {
    const other = await startEmbeddedHub();
    opened.push(other);
    const sim = await open({
      devices: 1,
      hub: { url: other.url, caPems: [other.ca.certPem], productKey: other.productKey },
    });
    await expect(rollout({ sim, ...quiet }, { firmwareSize: 1024, timeoutMs: 5_000 })).rejects.toThrow(
      /needs the hub's operator API: pass --operator-url and --operator-token/,
    );
  }, 20_000);
});
