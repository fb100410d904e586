import { createServer } from "node:net";
import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { interfaceOwning, tcpNetworkProbe } from "./network-probe.js";

/** Every address of this machine with the one interface that owns it. */
const owned = Object.entries(networkInterfaces()).flatMap(([name, infos]) =>
  (infos ?? []).map((info) => ({ name, info })),
);
const ownerCount = (address: string) => owned.filter(({ info }) => info.address === address).length;

/** `fe80::1` spelled out in full and upper case: `FE80:0:0:0:0:0:0:1`. */
function spelledOut(v6: string): string {
  const [head = "", tail = ""] = v6.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = Array<string>(8 - left.length - right.length).fill("0");
  return (v6.includes("::") ? [...left, ...zeros, ...right] : left).join(":").toUpperCase();
}

describe("tcpNetworkProbe", () => {
  it("sees an open port as reachable and a closed one as not", async () => {
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
    expect(await tcpNetworkProbe().interfaceFor("127.0.0.1")).toBe("lo");
    expect(await tcpNetworkProbe().interfaceFor("203.0.113.77")).toBeUndefined();
  });

  it("finds an IPv4 address however a dual-stack socket spells it", () => {
    expect(interfaceOwning("::ffff:127.0.0.1")).toBe("lo");
    expect(interfaceOwning("::FFFF:127.0.0.1")).toBe("lo");
    expect(interfaceOwning("::ffff:7f00:1")).toBe("lo");
    expect(interfaceOwning(" 127.0.0.1\n")).toBe("lo");
  });

  it("finds every address of this machine, IPv6 in any spelling and with its zone", () => {
    for (const { name, info } of owned) {
      if (ownerCount(info.address) > 1) continue;
      expect(interfaceOwning(info.address), info.address).toBe(name);
      if (info.family !== "IPv6") continue;
      expect(interfaceOwning(spelledOut(info.address)), info.address).toBe(name);
      expect(interfaceOwning(`${info.address}%${name}`), info.address).toBe(name);
    }
  });

  it("answers undefined for anything that is not an address of this machine", () => {
    for (const bad of ["", "%lo", "lo", "localhost", "127.0.0.256", "::ffff:203.0.113.77", "2001:db8::77"]) {
      expect(interfaceOwning(bad), bad).toBeUndefined();
    }
  });
});
