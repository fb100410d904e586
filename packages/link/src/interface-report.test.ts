import { describe, expect, it } from "vitest";
import { MemoryNetworkProbe } from "./doubles/memory-network-probe.js";
import { harness, settle, startJoined } from "./test-support/harness.js";

describe("DeviceLink: network interface report", () => {
  it("reports the network interface after each join, retrying every 60 s until it is known", async () => {
    const probe = new MemoryNetworkProbe([true], {});
    const h = harness({ probe });
    h.transport.script({ accept: true, localAddress: "10.0.0.7" });
    await startJoined(h);
    const conn = h.transport.current;
    expect(conn?.pushesOn("device", "report_network_interface")).toEqual([]);
    probe.interfaces["10.0.0.7"] = "wlan0";
    h.clock.advance(60_000);
    await settle();
    expect(conn?.pushesOn("device", "report_network_interface").map((p) => p.payload)).toEqual([
      { interface: "wlan0" },
    ]);
    conn?.crashChannel("device");
    h.clock.advance(5_000);
    await settle();
    expect(conn?.pushesOn("device", "report_network_interface")).toHaveLength(2);
  });
});
