import { networkProbeContract } from "@nerves-hub-ts/port-contracts";
import { MemoryNetworkProbe } from "./memory-network-probe.js";

networkProbeContract("MemoryNetworkProbe", async () => ({
  probe: new MemoryNetworkProbe((target) => target.host === "hub.test" && target.port === 443, {
    "10.0.0.7": "eth0",
  }),
  reachable: { host: "hub.test", port: 443 },
  unreachable: { host: "hub.test", port: 444 },
  local: { address: "10.0.0.7", interfaceName: "eth0" },
  foreignAddress: "203.0.113.77",
}));
