import { createServer, type Server } from "node:net";
import { clockContract, networkProbeContract, randomContract } from "@nerves-hub-ts/port-contracts";
import { nodeClock, nodeRandom } from "./clock.js";
import { tcpNetworkProbe } from "./network-probe.js";

/** Real time passes; the slack covers timers that fire a millisecond early. */
clockContract("nodeClock", async () => ({
  clock: nodeClock,
  advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 5)),
}));

randomContract("nodeRandom", async () => ({ random: nodeRandom }));

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
};
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

networkProbeContract("tcpNetworkProbe", async () => {
  const open = createServer((socket) => socket.destroy());
  const gone = createServer();
  const openPort = await listen(open);
  const closedPort = await listen(gone);
  await close(gone);
  return {
    probe: tcpNetworkProbe(),
    reachable: { host: "127.0.0.1", port: openPort },
    unreachable: { host: "127.0.0.1", port: closedPort },
    local: { address: "127.0.0.1", interfaceName: "lo" },
    foreignAddress: "203.0.113.77",
    teardown: () => close(open),
  };
});
