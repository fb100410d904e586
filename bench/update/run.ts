// Update benchmark: a firmware image served by the hub's firmware server on loopback, downloaded
// (1) plainly to /dev/null and (2) through the device's streaming update path (download, SHA-256,
// fwup runner into a sink). Reports throughput, the ratio of the two, the device's peak RSS, and
// the CPU time per GiB of each process, since on a small machine the hub, the client and the sink
// share the same cores (with whatever else runs there, reported as "other load").
// A second table compares HTTP clients on the same file, over HTTP and TLS: node:http(s), the
// downloader's own HTTP/1.1 reader and undici (request() and stream() with an Agent), each run
// interleaved with the others so that ratios come from the same conditions.
// Run from the repo root:
//   pnpm exec tsx --conditions=source bench/update/run.ts [--size-mib=1024] [--runs=5] [--only=device|clients]
import { spawn } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { open, stat, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCa, createServerCert } from "../../packages/dev-pki/src/index.js";
import { type Hub, startHub } from "../../packages/hub/src/index.js";
import { bundleForNode } from "../bundle.js";

const arg = (name: string, fallback: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split("=")[1]) : fallback;
};
const MiB = 1024 * 1024;
const size = arg("size-mib", 1024) * MiB;
const runs = arg("runs", 5);
const only = process.argv.find((x) => x.startsWith("--only="))?.split("=")[1];
const CLIENT = fileURLToPath(new URL("./client.ts", import.meta.url));

/** A pseudo-random firmware file, made once and reused by later runs. */
async function firmwareFile(): Promise<string> {
  const path = join(tmpdir(), `nerves-hub-ts-bench-${size}.fw`);
  if ((await stat(path).catch(() => null))?.size === size) return path;
  const block = randomFillSync(Buffer.alloc(MiB));
  const fh = await open(path, "w");
  for (let i = 0; i < size / MiB; i++) {
    block.writeUInt32BE(i, 0); // every MiB differs
    await fh.write(block);
  }
  await fh.close();
  return path;
}

interface Sample {
  mode: string;
  bytes: number;
  seconds: number;
  /** CPU time of the measured process (the sink and the hub are not included). */
  cpuSeconds: number;
  /** CPU time of the fwup sink (agent only). */
  sinkCpuSeconds: number;
  /** CPU time the hub (this process) spent serving it. */
  hubCpuSeconds?: number;
  /** CPU time everything else on the machine used meanwhile, in cores (Linux only). */
  otherCores?: number;
  peakRssKb: number;
}

/** CPU seconds all cores spent busy since boot, from /proc/stat (undefined off Linux). */
function machineBusySeconds(): number | undefined {
  try {
    const f = readFileSync("/proc/stat", "latin1").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number);
    if (!f || f.length < 8) return undefined;
    // user nice system (idle iowait) irq softirq steal, in USER_HZ (100 on Linux)
    return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0)) / 100;
  } catch {
    return undefined;
  }
}

const CLIENTS = {
  plain: "node:http(s) → /dev/null",
  own: "own HTTP/1.1 reader (http1/)",
  "undici-request": "undici request() + Agent",
  "undici-stream": "undici stream() + Agent",
} as const;

type Mode = "plain" | "own" | "undici-request" | "undici-stream" | "agent";

function measure(
  client: string,
  mode: Mode,
  url: string,
  checksum: string,
  caFile?: string,
): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const args = [client, mode, url, String(size), checksum, ...(caFile ? [caFile] : [])];
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out) as Sample) : reject(new Error(`${mode} exited ${code}`)),
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mbps = (s: Sample) => s.bytes / MiB / s.seconds;

const path = await firmwareFile();
// The measured process runs the client as a deployed agent would: one bundle on plain node.
const client = await bundleForNode(CLIENT, join(tmpdir(), "nerves-hub-ts-bench-client.mjs"), {
  // client.ts finds fwup-sink.mjs next to its source.
  define: { "import.meta.url": JSON.stringify(new URL("./client.ts", import.meta.url).href) },
  // undici is CommonJS and requires node: built-ins, which an ESM bundle can do only through createRequire.
  banner: {
    js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
  },
});
const hub = await startHub();
let tlsHub: Hub | undefined;
try {
  const record = await hub.addFirmware(path, { version: "9.9.9", product: "bench" });
  const checksum = record.checksum.toLowerCase();
  // Sanity: the hub's checksum is the file's.
  if (size <= 64 * MiB) {
    const h = createHash("sha256");
    const fh = await open(path);
    for await (const c of fh.createReadStream()) h.update(c as Buffer);
    if (h.digest("hex") !== checksum) throw new Error("checksum mismatch in the bench setup");
  }
  const url = hub.firmwareUrl(record.uuid);
  if (only !== "clients") await deviceTable(url, checksum);
  if (only !== "device") await clientsTable(url, await tlsUrl(path), checksum);
} finally {
  await hub.close();
  await tlsHub?.close();
}

/** One measured run, with the hub's CPU (this process) and the rest of the machine's load added. */
async function sample(mode: Mode, url: string, checksum: string, caFile?: string): Promise<Sample> {
  const before = process.cpuUsage();
  const busyBefore = machineBusySeconds();
  const s = await measure(client, mode, url, checksum, caFile);
  const hubCpu = process.cpuUsage(before);
  const busyAfter = machineBusySeconds();
  s.hubCpuSeconds = (hubCpu.user + hubCpu.system) / 1e6;
  if (busyBefore !== undefined && busyAfter !== undefined) {
    const ours = s.cpuSeconds + s.sinkCpuSeconds + s.hubCpuSeconds;
    s.otherCores = Math.max(0, busyAfter - busyBefore - ours) / s.seconds;
  }
  if (s.bytes !== size) throw new Error(`${mode} moved ${s.bytes} bytes, expected ${size}`);
  return s;
}

async function deviceTable(url: string, checksum: string): Promise<void> {
  const loadBefore = loadavg();
  const samples: Record<"plain" | "agent", Sample[]> = { plain: [], agent: [] };
  for (let i = 0; i < runs; i++) {
    for (const mode of ["plain", "agent"] as const) samples[mode].push(await sample(mode, url, checksum));
  }
  const plain = median(samples.plain.map(mbps));
  const agent = median(samples.agent.map(mbps));
  const GiB = 1024 * MiB;
  const perGiB = (m: "plain" | "agent", cpu: (s: Sample) => number) =>
    median(samples[m].map((s) => cpu(s) / (s.bytes / GiB)));
  const totalCpu = (s: Sample) => s.cpuSeconds + s.sinkCpuSeconds + (s.hubCpuSeconds ?? 0);
  const rows = [
    [
      "path",
      "median MiB/s",
      "runs (MiB/s)",
      "CPU s/GiB: client",
      "sink",
      "hub",
      "all",
      "other load (cores)",
      "peak RSS (MB)",
    ],
    ...(["plain", "agent"] as const).map((m) => [
      m === "plain" ? "plain HTTP → /dev/null" : "agent: download → SHA-256 → fwup runner → sink",
      (m === "plain" ? plain : agent).toFixed(0),
      samples[m].map((s) => mbps(s).toFixed(0)).join(", "),
      perGiB(m, (s) => s.cpuSeconds).toFixed(2),
      perGiB(m, (s) => s.sinkCpuSeconds).toFixed(2),
      perGiB(m, (s) => s.hubCpuSeconds ?? 0).toFixed(2),
      perGiB(m, totalCpu).toFixed(2),
      samples[m].map((s) => (s.otherCores === undefined ? "?" : s.otherCores.toFixed(1))).join(", "),
      (Math.max(...samples[m].map((s) => s.peakRssKb)) / 1024).toFixed(1),
    ]),
  ];
  console.log(`\nfirmware ${size / MiB} MiB from the hub's firmware server on loopback, ${runs} runs each`);
  console.log(
    `${cpus().length} CPUs, load average before the runs ${loadBefore.map((l) => l.toFixed(2)).join(" ")}\n`,
  );
  printTable(rows);
  console.log(`\nthroughput ratio agent/plain: ${((agent / plain) * 100).toFixed(1)}% (target ≥ 90%)`);
  // What the cores allow: the processes share the machine, so CPU per GiB bounds throughput, and
  // the client (one thread doing most of its work) cannot go faster than one core allows.
  const cores = cpus().length;
  for (const m of ["plain", "agent"] as const) {
    const all = perGiB(m, totalCpu);
    const used = median(samples[m].map((s) => totalCpu(s) / s.seconds));
    console.log(
      `${m}: ${all.toFixed(2)} CPU s/GiB in all, ${used.toFixed(2)} of ${cores} cores busy; ` +
        `${cores} fully busy cores would allow ${((cores / all) * 1024).toFixed(0)} MiB/s, ` +
        `the client alone on one core ${(1024 / perGiB(m, (s) => s.cpuSeconds)).toFixed(0)} MiB/s`,
    );
  }
  const peak = Math.max(...samples.agent.map((s) => s.peakRssKb)) / 1024;
  console.log(`agent peak RSS: ${peak.toFixed(1)} MB (target < 100 MB)`);
}

function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length))) ?? [];
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join("  "));
}

/** The same file from a second hub that serves it over TLS; the client trusts its CA from a file. */
async function tlsUrl(file: string): Promise<{ url: string; caFile: string }> {
  const ca = await createCa({ commonName: "bench CA" });
  const cert = await createServerCert(ca, { commonName: "127.0.0.1" });
  tlsHub = await startHub({ tls: { certPem: cert.certPem, keyPem: cert.keyPem } });
  const caFile = join(tmpdir(), "nerves-hub-ts-bench-ca.pem");
  await writeFile(caFile, ca.certPem);
  const record = await tlsHub.addFirmware(file, { version: "9.9.9", product: "bench" });
  return { url: tlsHub.firmwareUrl(record.uuid), caFile };
}

/** Each client downloads the file, bytes discarded; every run takes all clients in turn. */
async function clientsTable(
  url: string,
  tls: { url: string; caFile: string },
  checksum: string,
): Promise<void> {
  const loadBefore = loadavg();
  const modes = Object.keys(CLIENTS) as (keyof typeof CLIENTS)[];
  const rows = [
    [
      "scheme",
      "client",
      "median MiB/s",
      "runs (MiB/s)",
      "CPU s/GiB: client",
      "hub",
      "vs own (per-run median)",
    ],
  ];
  for (const [scheme, target, caFile] of [
    ["http", url, undefined],
    ["https", tls.url, tls.caFile],
  ] as const) {
    const samples = new Map<string, Sample[]>(modes.map((m) => [m, []]));
    for (let i = 0; i < runs; i++)
      for (const mode of modes) samples.get(mode)?.push(await sample(mode, target, checksum, caFile));
    const own = samples.get("own") ?? [];
    for (const mode of modes) {
      const ss = samples.get(mode) ?? [];
      const perGiB = (cpu: (s: Sample) => number) => median(ss.map((s) => cpu(s) / (s.bytes / (1024 * MiB))));
      rows.push([
        scheme,
        CLIENTS[mode],
        median(ss.map(mbps)).toFixed(0),
        ss.map((s) => mbps(s).toFixed(0)).join(", "),
        perGiB((s) => s.cpuSeconds).toFixed(2),
        perGiB((s) => s.hubCpuSeconds ?? 0).toFixed(2),
        `${(median(ss.map((s, i) => mbps(s) / mbps(own[i] as Sample))) * 100).toFixed(0)}%`,
      ]);
    }
  }
  console.log(
    `\nHTTP clients: firmware ${size / MiB} MiB from the hub on loopback, ${runs} interleaved runs each`,
  );
  console.log(
    `${cpus().length} CPUs, load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, ` +
      `after ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}\n`,
  );
  printTable(rows);
}
