// Rollout benchmark: N simulated devices (shared secret, WSS) against a hub in a separate process;
// one generated release is deployed to all; reports the time until every device reported success.
// Run from the repo root:
//   pnpm exec tsx --conditions=source bench/rollout/run.ts
// Flags: --devices N (1000) --firmware-size BYTES (1048576) --ramp N/s (500) --timeout S (300)
import { parseArgs } from "node:util";
import {
  DEFAULT_OPTIONS,
  deployRelease,
  openSimulation,
  percentile,
  renderTable,
} from "../../apps/simulator/src/index.js";
import { spawnHub } from "../simulator/hub.js";

const { values } = parseArgs({
  options: {
    devices: { type: "string", default: "1000" },
    "firmware-size": { type: "string", default: String(1024 * 1024) },
    ramp: { type: "string", default: "500" },
    timeout: { type: "string", default: "300" },
  },
});
const devices = Number(values.devices);
const firmwareSize = Number(values["firmware-size"]);
const timeoutMs = Number(values.timeout) * 1000;
const TARGET_MS = 60_000;

const log = (line: string) => process.stderr.write(`${line}\n`);
const s = (msValue: number) => (Number.isFinite(msValue) ? `${(msValue / 1000).toFixed(2)} s` : "n/a");

const hub = await spawnHub();
log(`hub process ${hub.pid} at ${hub.url}`);
const sim = await openSimulation({
  ...DEFAULT_OPTIONS,
  devices,
  rampPerSecond: Number(values.ramp),
  concurrency: 200,
  hub: {
    url: hub.url,
    caPems: [hub.caPem],
    productKey: { key: hub.productKey, secret: hub.productSecret },
    operator: { url: hub.operatorUrl, token: hub.operatorToken },
  },
});
const progress = setInterval(() => {
  const c = sim.fleet.counts();
  log(
    `  joined ${c.joined}  updating ${c.updating}  rebooting ${c.rebooting}  done ${c.done}  failed ${c.failed}`,
  );
}, 5_000);
await sim.fleet.ramp();
await sim.fleet.until((f) => f.devices.every((d) => d.firstJoinAt !== undefined), timeoutMs, 250);
log(`${sim.fleet.rampReport().joined} devices joined; deploying`);
const cpu0 = process.cpuUsage();
const outcome = await deployRelease({ sim, say: log }, { firmwareSize, timeoutMs });
const cpu = process.cpuUsage(cpu0);
clearInterval(progress);

const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
const bytes = outcome.completedMs.length * outcome.release.size;
const rows: string[][] = [
  ["devices", String(devices), "", ""],
  ["firmware size", `${(outcome.release.size / 1024 / 1024).toFixed(2)} MiB`, "", ""],
  ["update offered to", String(outcome.offered), "", ""],
  ["reported completed", `${outcome.completedMs.length}/${devices}`, "", ""],
  ["rejoined on new version", `${outcome.rejoinedMs.length}/${devices}`, "", ""],
  ["hub confirms new version", `${outcome.hubConfirmed}/${devices}`, "", ""],
  [
    "time until all reported success",
    s(outcome.allCompletedMs),
    "< 60 s",
    verdict(outcome.allCompletedMs < TARGET_MS),
  ],
  ["time until all rejoined", s(outcome.allDoneMs), "", ""],
  [
    "per-device completed p50 / p99",
    `${s(percentile(outcome.completedMs, 50))} / ${s(percentile(outcome.completedMs, 99))}`,
    "",
    "",
  ],
  [
    "fleet download throughput",
    Number.isFinite(outcome.allCompletedMs)
      ? `${(bytes / 1024 / 1024 / (outcome.allCompletedMs / 1000)).toFixed(0)} MiB/s`
      : "n/a",
    "",
    "",
  ],
  ["simulator CPU (user + system)", s((cpu.user + cpu.system) / 1000), "", ""],
];
process.stdout.write(
  `\nbench/rollout: ${devices} devices, ${firmwareSize} byte release, WSS, shared secret, hub in pid ${hub.pid}\n\n`,
);
process.stdout.write(
  `${renderTable(["metric", "value", "target", ""], rows, ["left", "right", "left", "left"])}\n`,
);
if (outcome.problems.length > 0) log(`problems: ${outcome.problems.slice(0, 10).join("; ")}`);

await sim.close();
await hub.stop();
process.exit(0);
