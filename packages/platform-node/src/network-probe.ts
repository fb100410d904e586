// The NetworkProbe port on Node: a plain TCP connect as the network check, and os.networkInterfaces()
// to name the interface a connection went out on, by its local address (as nerves_hub_link does).
import { connect, isIPv4, isIPv6 } from "node:net";
import { networkInterfaces } from "node:os";
import type { NetworkProbe, ProbeTarget } from "@nerves-hub-ts/ports";

/** Reachability by TCP connect; `interfaceFor` is {@link interfaceOwning}. */
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

/**
 * The interface that owns `address`, or undefined. IPv6 is compared in canonical form (any spelling
 * or case), an IPv4-mapped IPv6 address (`::ffff:10.0.0.2`, as a dual-stack socket reports it) as
 * its IPv4 address, and a zone (`fe80::1%eth0` or `%2`) picks among interfaces sharing a link-local
 * address.
 */
export function interfaceOwning(address: string): string | undefined {
  const [plain = "", zone] = address.trim().split("%", 2);
  const wanted = canonical(plain);
  if (wanted === undefined) return undefined;
  const owners = Object.entries(networkInterfaces()).flatMap(([name, infos]) =>
    (infos ?? []).filter((i) => canonical(i.address) === wanted).map((i) => ({ name, info: i })),
  );
  const zoned = owners.find(({ name, info }) => zone === name || zone === String(info.scopeid));
  return (zoned ?? owners[0])?.name;
}

/** One spelling per IP address; undefined for anything that is not one. */
function canonical(address: string): string | undefined {
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return undefined;
  const v6 = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (!mapped) return v6;
  const [high, low] = [Number.parseInt(mapped[1] as string, 16), Number.parseInt(mapped[2] as string, 16)];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}
