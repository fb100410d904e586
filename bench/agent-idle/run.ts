// Idle cost of the device agent: RSS and CPU of `nh-device run` connected to a hub over TLS and
// doing nothing, next to a bare `node -e "setInterval(()=>{},1000)"` measured over the same window.
// The agent runs as a production build would ship it (one esbuild bundle of apps/device, plain
// `node`); the development launcher (tsx, TypeScript compiled at load) is measured too, for scale.
// Run from the repo root: pnpm exec tsx --conditions=source bench/agent-idle/run.ts [--seconds=60]
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCa, createDeviceCert, createServerCert } from "../../packages/dev-pki/src/index.js";
import { startHub } from "../../packages/hub/src/index.js";
import { bundleForNode } from "../bundle.js";

const TARGET_MB_ABOVE_BARE = 25;
const secondsArg = process.argv.find((a) => a.startsWith("--seconds="));
const seconds = secondsArg ? Number(secondsArg.slice("--seconds=".length)) : 60;
if (!Number.isInteger(seconds) || seconds < 2) throw new Error("--seconds must be an integer >= 2");

const DEVICE_SRC = fileURLToPath(new URL("../../apps/device/src/main.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

interface Measured {
  name: string;
  child: ChildProcess;
  rssKb: number[];
  cpuTicks?: number;
  stderr: string;
}

const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
// Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name) are utime and stime.
const cpuTicks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => (kb / 1024).toFixed(1);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "nh-bench-idle-"));
  const ca = await createCa({ commonName: "bench CA" });
  const server = await createServerCert(ca, { commonName: "127.0.0.1" });
  const hub = await startHub({ tls: { certPem: server.certPem, keyPem: server.keyPem } });
  hub.addProductKey("nhp_bench", "bench-secret");
  hub.registerCa(ca.certPem, { jitp: true });
  await writeFile(join(dir, "ca.pem"), ca.certPem);
  const device = await createDeviceCert(ca, { identifier: "bench-cert" });
  await writeFile(join(dir, "cert.pem"), device.certPem);
  await writeFile(join(dir, "key.pem"), device.keyPem, { mode: 0o600 });
  await writeFile(
    join(dir, "firmware.json"),
    JSON.stringify({
      nerves_fw_uuid: "00000000-0000-0000-0000-00000000be0c",
      nerves_fw_product: "bench",
      nerves_fw_version: "1.0.0",
      nerves_fw_platform: "x86_64",
      nerves_fw_architecture: "x86_64",
    }),
  );
  const config = async (name: string, auth: "shared_secret" | "certificate" = "shared_secret") => {
    const path = join(dir, `${name}.json`);
    const credentials =
      auth === "shared_secret"
        ? {
            identifier: name,
            shared_secret: { product_key: "nhp_bench", product_secret: "bench-secret" },
            ssl: { cacertfile: join(dir, "ca.pem") },
          }
        : {
            ssl: {
              cacertfile: join(dir, "ca.pem"),
              certfile: join(dir, "cert.pem"),
              keyfile: join(dir, "key.pem"),
            },
          };
    await writeFile(
      path,
      JSON.stringify({
        host: `127.0.0.1:${hub.port}`,
        ...credentials,
        data_path: join(dir, name),
        control_socket: join(dir, `${name}.sock`),
        firmware_metadata_file: join(dir, "firmware.json"),
        connect_wait_for_network: false,
      }),
    );
    return path;
  };

  const bundle = await bundleForNode(DEVICE_SRC, join(dir, "nh-device.mjs"), {
    // Bundled CommonJS dependencies still call require().
    banner: {
      js: "import { createRequire as __nhRequire } from 'node:module'; const require = __nhRequire(import.meta.url);",
    },
  });
  const start = (name: string, args: string[]): Measured => {
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { PATH: process.env.PATH },
    });
    // The agents' JSON logs are kept out of the table and shown only if something goes wrong.
    const p: Measured = { name, child, rssKb: [], stderr: "" };
    child.stderr?.setEncoding("utf8").on("data", (t: string) => {
      p.stderr = (p.stderr + t).slice(-4000);
    });
    return p;
  };
  const joined = (id: string) =>
    hub.waitFor((e) => e.type === "joined" && e.identifier === id && e.topic === "device", 30_000);
  const agents = ["bench-bundled", "bench-cert", "bench-tsx"];
  const allJoined = Promise.all(agents.map(joined));
  const procs = [
    start("bare node (setInterval)", ["-e", "setInterval(()=>{},1000)"]),
    start("nh-device shared secret (bundled)", [bundle, "run", "--config", await config("bench-bundled")]),
    start("nh-device certificate (bundled)", [
      bundle,
      "run",
      "--config",
      await config("bench-cert", "certificate"),
    ]),
    start("nh-device shared secret (tsx, dev)", [
      "--conditions=source",
      "--import",
      TSX,
      DEVICE_SRC,
      "run",
      "--config",
      await config("bench-tsx"),
    ]),
  ];
  try {
    await allJoined.catch((e: unknown) => {
      for (const p of procs) if (p.stderr) console.error(`--- ${p.name}\n${p.stderr}`);
      throw e;
    });
    await sleep(2_000); // start-up work (TLS, first join) settles
    const ticks0 = procs.map((p) => cpuTicks(p.child.pid as number));
    for (let s = 0; s < seconds; s++) {
      for (const p of procs) p.rssKb.push(rssKb(p.child.pid as number));
      await sleep(1_000);
    }
    procs.forEach((p, i) => {
      p.cpuTicks = cpuTicks(p.child.pid as number) - (ticks0[i] as number);
    });
    const stillJoined = agents.every((id) => hub.device(id)?.joinedTopics.includes("device"));
    report(procs, stillJoined);
  } finally {
    for (const p of procs) p.child.kill("SIGTERM");
    await Promise.all(
      procs.map((p) => new Promise((r) => (p.child.exitCode !== null ? r(null) : p.child.once("exit", r)))),
    );
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function report(procs: Measured[], stillJoined: boolean): void {
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bareAvg = avg((procs[0] as Measured).rssKb);
  const rows = procs.map((p) => {
    const cpuS = (p.cpuTicks ?? 0) / CLOCK_TICKS;
    return [
      p.name,
      mb(p.rssKb[0] as number),
      mb(avg(p.rssKb)),
      mb(Math.max(...p.rssKb)),
      mb(p.rssKb.at(-1) as number),
      p === procs[0] ? "-" : `+${mb(avg(p.rssKb) - bareAvg)}`,
      cpuS.toFixed(2),
      ((cpuS / seconds) * 100).toFixed(2),
    ];
  });
  const header = [
    "process",
    "RSS start MB",
    "RSS avg MB",
    "RSS max MB",
    "RSS end MB",
    "above bare MB",
    "CPU s",
    "CPU %",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
  console.log(
    `\nAgent idle for ${seconds} s, connected to a local hub over TLS (JSON, 30 s heartbeat), Node ${process.version}\n`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const r of rows) console.log(line(r));
  const verdicts = procs.slice(1, 3).map((p) => {
    const above = avg(p.rssKb) - bareAvg;
    return `${p.name}: +${mb(above)} MB, ${above / 1024 <= TARGET_MB_ABOVE_BARE ? "met" : "NOT met"}`;
  });
  console.log(`\nTarget: a bundled agent at most ${TARGET_MB_ABOVE_BARE} MB above bare node (average RSS).`);
  for (const v of verdicts) console.log(`  ${v}`);
  console.log(`Agents still joined at the end: ${stillJoined ? "yes" : "NO"}.`);
}

await main();
