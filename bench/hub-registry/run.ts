// Device registry lookups: a certificate connect looks the device up by certificate and by public key,
// which must not cost a scan of the fleet. Target: 10,000 connects' lookups in a 10,000-device fleet
// under 250 ms (a scan per lookup took seconds).
// Run from the repo root: pnpm bench:hub-registry [--devices 10000] [--runs 5]
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { DeviceRegistry } from "../../packages/hub/src/devices/registry.js";

const { values } = parseArgs({
  options: { devices: { type: "string", default: "10000" }, runs: { type: "string", default: "5" } },
});
const devices = Number(values.devices);
const runs = Number(values.runs);
const TARGET_MS = 250;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

console.log(`hub registry: ${devices} devices, ${cpus().length} CPUs, load average ${load()}`);
const registry = new DeviceRegistry();
for (let n = 0; n < devices; n++) {
  const { device } = registry.ensure(`d${n}`, "jitp");
  registry.addCertificate(device, { fingerprint: `CERT${n}`, publicKeyFingerprint: `KEY${n}`, certPem: "" });
}
const timings: number[] = [];
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  let found = 0;
  for (let n = 0; n < devices; n++) {
    if (registry.byCertificateFingerprint(`CERT${n}`)) found++;
    if (registry.byPublicKeyFingerprint(`NEW${n}`)) found++;
  }
  timings.push(performance.now() - started);
  if (found !== devices) throw new Error(`found ${found} devices, expected ${devices}`);
}
const median = [...timings].sort((a, b) => a - b)[Math.floor(timings.length / 2)] ?? Number.NaN;
console.log(
  `lookups for ${devices} connects: median ${median.toFixed(2)} ms over ${runs} runs (target < ${TARGET_MS} ms)`,
);
console.log(`load average after: ${load()}`);
console.log(median < TARGET_MS ? "PASS" : "FAIL");
process.exitCode = median < TARGET_MS ? 0 : 1;
