// Node implementations of the link's Clock, Random and NetworkProbe ports.
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import type { Clock, NetworkProbe, ProbeTarget, Random, TimerHandle } from "@nerves-hub-ts/ports";

/** The system wall clock and real timers. */
export const nodeClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => new NodeTimer(setTimeout(fn, ms)),
};

/** A pending timer (a class rather than a closure: a fleet holds thousands). */
class NodeTimer implements TimerHandle {
  constructor(private readonly timeout: ReturnType<typeof setTimeout>) {}

  cancel(): void {
    clearTimeout(this.timeout);
  }
}

/** Cryptographically random numbers in [0, 1) (nerves_hub_link seeds its jitter from crypto bytes). */
export const nodeRandom: Random = {
  next: () => randomBytes(4).readUInt32BE(0) / 2 ** 32,
};

/** A plain TCP connect as the network check, and os.networkInterfaces() to name the hub's interface. */
export function tcpNetworkProbe(): NetworkProbe {
  return {
    reachable: (target: ProbeTarget, timeoutMs: number) =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host: target.host, port: target.port });
        const finish = (up: boolean) => {
          socket.destroy();
          resolve(up);
        };
        socket.setTimeout(timeoutMs, () => finish(false));
        socket.once("connect", () => finish(true));
        socket.once("error", () => finish(false));
      }),
    interfaceFor: async (localAddress: string) => interfaceOwning(localAddress),
  };
}

/** The interface that owns `address` (IPv4-mapped IPv6 addresses are matched as IPv4). */
export function interfaceOwning(address: string): string | undefined {
  const wanted = address.replace(/^::ffff:/i, "").toLowerCase();
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (addrs?.some((a) => a.address.toLowerCase() === wanted)) return name;
  }
  return undefined;
}
