import { describe, expect, it } from "vitest";
import { MemoryNetworkProbe } from "./doubles/memory-network-probe.js";
import { harness, nextAttempt } from "./test-support/harness.js";

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
