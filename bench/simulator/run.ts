// Fleet benchmark: N simulated devices (shared-secret auth, WSS) against a hub in a separate process
// on loopback. Reports joined count, connect rate, simulator RSS per device and heartbeat round trips.
// Run from the repo root:
//   pnpm exec tsx --expose-gc --conditions=source bench/simulator/run.ts --devices 10000
// Flags: --devices N (10000) --ramp N/s (200) --concurrency N (200) --heartbeat S (30)
//        --hold S (heartbeat × 1.5: every device answers at least one heartbeat) --timeout S (600)
// Needs `ulimit -n` above the device count (each device holds one socket).
import { parseArgs } from "node:util";
import {
  DEFAULT_OPTIONS,
  openSimulation,
  percentile,
  Reservoir,
  renderTable,
} from "../../apps/simulator/src/index.js";
import { spawnHub } from "./hub.js";

const { values } = parseArgs({
  options: {
    devices: { type: "string", default: "10000" },
    ramp: { type: "string", default: "200" },
    concurrency: { type: "string", default: "200" },
    heartbeat: { type: "string", default: "30" },
    hold: { type: "string" },
    timeout: { type: "string", default: "600" },
  },
});
const devices = Number(values.devices);
const heartbeatS = Number(values.heartbeat);
const holdS = values.hold ? Number(values.hold) : heartbeatS * 1.5;
const timeoutMs = Number(values.timeout) * 1000;
const TARGET_DEVICES = 10_000;
const TARGET_RSS_PER_DEVICE = 60 * 1024;
const TARGET_RAMP = 100;

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const msText = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "n/a");
const log = (line: string) => process.stderr.write(`${line}\n`);
const settle = () => new Promise((r) => setTimeout(r, 500));
const rss = async () => {
  global.gc?.();
  await settle();
  global.gc?.();
  return process.memoryUsage().rss;
};

const hub = await spawnHub();
log(`hub process ${hub.pid} at ${hub.url}`);
const sim = await openSimulation({
  ...DEFAULT_OPTIONS,
  devices,
  rampPerSecond: Number(values.ramp),
  concurrency: Number(values.concurrency),
  heartbeatIntervalMs: heartbeatS * 1000,
  hub: {
    url: hub.url,
    caPems: [hub.caPem],
    productKey: { key: hub.productKey, secret: hub.productSecret },
    operator: { url: hub.operatorUrl, token: hub.operatorToken },
  },
});
const heartbeats = new Reservoir(100_000);
const stopMeter = sim.fleet.on((_device, event) => {
  if (event.type === "heartbeat") heartbeats.add(event.rttMs);
});
const baseline = await rss();
const progress = setInterval(() => {
  const c = sim.fleet.counts();
  log(
    `  started ${c.started}/${c.total}  joined ${c.joined}  connecting ${c.connecting}  reconnecting ${c.reconnecting}`,
  );
}, 5_000);

await sim.fleet.ramp();
await sim.fleet.until((f) => f.devices.every((d) => d.firstJoinAt !== undefined), timeoutMs, 250);
const ramp = sim.fleet.rampReport();
log(
  `ramp done: ${ramp.joined} joined in ${(ramp.durationMs / 1000).toFixed(1)} s; holding ${holdS} s for heartbeats`,
);
heartbeats.clear(); // only heartbeats of the steady state, after the ramp
await new Promise((r) => setTimeout(r, holdS * 1000));
clearInterval(progress);
stopMeter();
const joinedNow = sim.fleet.devices.filter((d) => d.phase === "joined").length;
const after = await rss();
const hubRss = await hub.rss();
const perDevice = (after - baseline) / Math.max(1, ramp.joined);
const p50 = percentile(heartbeats.samples, 50);
const p99 = percentile(heartbeats.samples, 99);

const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
const rows: string[][] = [
  [
    "devices joined",
    `${ramp.joined}/${devices}`,
    `${TARGET_DEVICES}`,
    verdict(ramp.joined >= TARGET_DEVICES),
  ],
  ["still joined after hold", `${joinedNow}/${devices}`, "", ""],
  [
    "connect rate",
    `${ramp.joinRate.toFixed(0)}/s`,
    `>= ${TARGET_RAMP}/s`,
    verdict(ramp.joinRate >= TARGET_RAMP),
  ],
  ["ramp duration", `${(ramp.durationMs / 1000).toFixed(1)} s`, "", ""],
  [
    "join latency p50 / p99",
    `${msText(percentile(ramp.joinLatenciesMs, 50))} / ${msText(percentile(ramp.joinLatenciesMs, 99))}`,
    "",
    "",
  ],
  ["simulator RSS before / after", `${mib(baseline)} / ${mib(after)}`, "", ""],
  ["simulator RSS per device", kib(perDevice), "<= 60 KiB", verdict(perDevice <= TARGET_RSS_PER_DEVICE)],
  ["hub process RSS", mib(hubRss), "", ""],
  ["heartbeats answered", `${heartbeats.seen}`, "", ""],
  ["heartbeat RTT p50", msText(p50), "", ""],
  ["heartbeat RTT p99", msText(p99), "", ""],
];
process.stdout.write(
  `\nbench/simulator: ${devices} devices, WSS, shared secret, json, heartbeat ${heartbeatS} s, hub in pid ${hub.pid}` +
    "\n\n",
);
process.stdout.write(
  `${renderTable(["metric", "value", "target", ""], rows, ["left", "right", "left", "left"])}\n`,
);

log("stopping the fleet and the hub");
await sim.close();
await hub.stop();
process.exit(0);
