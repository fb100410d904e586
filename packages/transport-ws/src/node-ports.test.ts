import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { interfaceOwning, nodeClock, nodeRandom, tcpNetworkProbe } from "./node-ports.js";

describe("Node ports", () => {
  it("the TCP probe sees an open port as reachable and a closed one as not", async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const probe = tcpNetworkProbe();
    expect(await probe.reachable({ host: "127.0.0.1", port }, 2000)).toBe(true);
    await new Promise((r) => server.close(r));
    expect(await probe.reachable({ host: "127.0.0.1", port }, 2000)).toBe(false);
  });

  it("names the interface that owns a local address", async () => {
    expect(interfaceOwning("127.0.0.1")).toBe("lo");
    expect(interfaceOwning("::ffff:127.0.0.1")).toBe("lo");
    expect(await tcpNetworkProbe().interfaceFor("203.0.113.77")).toBeUndefined();
  });

  it("draws random numbers in [0, 1) and runs and cancels timers", async () => {
    const draws = Array.from({ length: 1000 }, () => nodeRandom.next());
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(990);
    const fired: string[] = [];
    nodeClock.setTimeout(() => fired.push("a"), 5);
    nodeClock.setTimeout(() => fired.push("b"), 5).cancel();
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toEqual(["a"]);
    expect(Math.abs(nodeClock.now() - Date.now())).toBeLessThan(5);
  });
});
