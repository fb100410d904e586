// End-to-end update benchmark with the real fwup: a signed archive pushed by the hub to the full
// agent (`nh-device run`, bundled as a release ships it, `firmware_target: fwup`), timed from the
// hub's `update` push to the device's `completed`, for each updater (caching, streaming, parts)
// over plain HTTP/WS and over TLS. Next to it, in the same run: the shell pipeline
// `curl | tee >(sha256sum) | fwup -a` (plain and https) and `fwup -a -i file`. Every image made is
// checked byte for byte against the direct `fwup -a -i` one. Prints medians, ratios and the load.
// Skipped (exit 0) when fwup is not on PATH.
// Run from the repo root: pnpm bench:update-e2e [--size-mib=256] [--runs=3] [--updaters=parts,caching]
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCa, createServerCert } from "../../packages/dev-pki/src/index.js";
import { type Hub, type HubEvent, startHub } from "../../packages/hub/src/index.js";
import { bundleForNode } from "../bundle.js";
import { benchFirmware, sha256File } from "./firmware.js";

const arg = (name: string, fallback: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split("=")[1]) : fallback;
};
const sizeMiB = arg("size-mib", 256);
const runs = arg("runs", 3);
const TARGET_RATIO = 1.2;
const UPDATERS = ["caching", "streaming", "parts"] as const;
type Updater = (typeof UPDATERS)[number];
const only = process.argv
  .find((x) => x.startsWith("--updaters="))
  ?.split("=")[1]
  ?.split(",");
const updaters = UPDATERS.filter((u) => !only || only.includes(u));
const PRODUCT_KEY = "nhp_bench_e2e";
const PRODUCT_SECRET = "bench-e2e-secret";
const DEVICE_SRC = fileURLToPath(new URL("../../apps/device/src/main.ts", import.meta.url));

const onPath = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
if (!onPath("fwup", "--version")) {
  console.log("bench/update-e2e skipped: fwup is not on PATH (it needs the real fwup to apply archives).");
  process.exit(0);
}
const hasShell = onPath("curl", "--version") && onPath("bash", "--version");
if (!hasShell) console.log("curl or bash is not on PATH: the shell-pipeline rows are skipped.");

/** Seconds in bash's `times` output (`0m1.234s`). */
const bashSeconds = (t: string) => {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
};

/**
 * Runs a bash script to completion; resolves with its wall time and the CPU time of everything it
 * waited for (bash's `times`), and the CPU the hub (this process) spent meanwhile.
 */
function timedScript(script: string, env: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const child = spawn("bash", ["-c", `${script}\ns=$?; times; exit $s`], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let out = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => {
      out += t;
    });
    child.stderr.setEncoding("utf8").on("data", (t: string) => {
      stderr = (stderr + t).slice(-2000);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`exited ${code}: ${stderr.trim()}`));
      const seconds = (performance.now() - t0) / 1000;
      const hub = process.cpuUsage(cpu0);
      // The second line of `times` is the children's user and system time.
      const children = (out.trim().split("\n").at(-1) ?? "").split(/\s+/).map(bashSeconds);
      resolve({
        seconds,
        clientCpu: children.reduce((a, b) => a + b, 0),
        hubCpu: (hub.user + hub.system) / 1e6,
      });
    });
  });
}

/** CPU seconds of a live process and of the children it has waited for (Linux /proc). */
function processCpu(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    // utime stime cutime cstime, in clock ticks (100 a second on Linux)
    return ((f[11] ?? 0) + (f[12] ?? 0) + (f[13] ?? 0) + (f[14] ?? 0)) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Sample {
  seconds: number;
  /** CPU seconds of the device side (agent and fwup; curl, tee, sha256sum and fwup). */
  clientCpu?: number;
  /** CPU seconds of the hub serving it. */
  hubCpu?: number;
  /** Agent only: from the push to the firmware request reaching the hub. */
  requestSeconds?: number;
  /** Agent only: from the push to `downloading` 100, and from the first `updating` to `completed`. */
  downloadSeconds?: number;
  installSeconds?: number;
}

async function main(): Promise<void> {
  const fw = await benchFirmware(sizeMiB);
  const size = (await stat(fw.path)).size;
  const work = await mkdtemp(join(tmpdir(), "nh-bench-e2e-"));
  const ca = await createCa({ commonName: "bench e2e CA" });
  const server = await createServerCert(ca, { commonName: "127.0.0.1" });
  const caFile = join(work, "ca.pem");
  await writeFile(caFile, ca.certPem);
  const metadataFile = join(work, "firmware.json");
  await writeFile(
    metadataFile,
    JSON.stringify({
      nerves_fw_uuid: "00000000-0000-0000-0000-0000000e2e01",
      nerves_fw_product: "bench",
      nerves_fw_version: "1.0.0",
      nerves_fw_platform: "x86_64",
      nerves_fw_architecture: "x86_64",
    }),
  );
  const agentBundle = await bundleForNode(DEVICE_SRC, join(work, "nh-device.mjs"), {
    // Bundled CommonJS dependencies still call require().
    banner: {
      js: "import { createRequire as __nhRequire } from 'node:module'; const require = __nhRequire(import.meta.url);",
    },
  });
  const hubs: Record<"plain" | "tls", Hub> = {
    plain: await startHub(),
    tls: await startHub({ tls: { certPem: server.certPem, keyPem: server.keyPem } }),
  };
  try {
    const uuids = { plain: "", tls: "" };
    let checksum = "";
    for (const mode of ["plain", "tls"] as const) {
      hubs[mode].addProductKey(PRODUCT_KEY, PRODUCT_SECRET);
      hubs[mode].addSigningKey(fw.publicKey);
      const record = await hubs[mode].addFirmware(fw.path, { version: "2.0.0", product: "bench" });
      uuids[mode] = record.uuid;
      checksum = record.checksum.toLowerCase();
    }
    const image = (name: string) => join(work, `${name}.img`);
    // The reference image, and a check of every other one against it.
    const reference = image("reference");
    const fwupDirect = (img: string) =>
      timedScript('fwup -a -d "$IMG" -t upgrade --public-key "$KEY" -q -i "$FW"', {
        IMG: img,
        KEY: fw.publicKey,
        FW: fw.path,
      });
    await fwupDirect(reference);
    const referenceSha = await sha256File(reference);
    await rm(reference);
    const checkImage = async (img: string, what: string) => {
      const sha = await sha256File(img);
      await rm(img);
      if (sha !== referenceSha) throw new Error(`${what}: the image differs from the direct fwup -a one`);
    };

    const direct = async (): Promise<Sample> => {
      const img = image("direct");
      const sample = await fwupDirect(img);
      await checkImage(img, "fwup -a -i");
      return sample;
    };

    const shell = async (mode: "plain" | "tls"): Promise<Sample> => {
      const img = image(`shell-${mode}`);
      const sum = join(work, `shell-${mode}.sha256`);
      // The URL goes in the environment: its query is a credential and stays out of any output.
      const script =
        'set -o pipefail; curl -sSf $CURL_TLS "$URL" | tee >(sha256sum > "$SUM") | ' +
        'fwup -a -d "$IMG" -t upgrade --public-key "$KEY" -q; s=$?; wait $!; (exit $s)';
      const sample = await timedScript(script, {
        URL: hubs[mode].firmwareUrl(uuids[mode]),
        CURL_TLS: mode === "tls" ? `--cacert ${caFile}` : "",
        SUM: sum,
        IMG: img,
        KEY: fw.publicKey,
      });
      const got = (await readFile(sum, "utf8")).split(" ")[0];
      if (got !== checksum) throw new Error(`shell ${mode}: sha256sum ${got} is not the hub's ${checksum}`);
      await checkImage(img, `shell ${mode}`);
      return sample;
    };

    let agentCount = 0;
    const agent = async (updater: Updater, mode: "plain" | "tls"): Promise<Sample> => {
      const hub = hubs[mode];
      const id = `e2e-${updater}-${mode}-${++agentCount}`;
      const dir = join(work, id);
      await mkdir(dir);
      const img = image(id);
      const configFile = join(dir, "config.json");
      await writeFile(
        configFile,
        JSON.stringify({
          host: mode === "tls" ? `127.0.0.1:${hub.port}` : `ws://127.0.0.1:${hub.port}`,
          identifier: id,
          shared_secret: { product_key: PRODUCT_KEY, product_secret: PRODUCT_SECRET },
          ...(mode === "tls" ? { ssl: { cacertfile: caFile } } : {}),
          data_path: join(dir, "data"),
          control_socket: join(dir, "control.sock"),
          firmware_metadata_file: metadataFile,
          connect_wait_for_network: false,
          firmware_target: "fwup",
          fwup_devpath: img,
          fwup_public_keys: [fw.publicKey],
          updater,
          reboot_command: "true",
          log_level: "warn",
        }),
      );
      const joined = hub.waitFor(
        (e) => e.type === "joined" && e.identifier === id && e.topic === "device",
        30_000,
      );
      const child = spawn(process.execPath, [agentBundle, "run", "--config", configFile], {
        stdio: ["ignore", "ignore", "pipe"],
        env: { PATH: process.env.PATH ?? "" },
      });
      let stderr = "";
      child.stderr?.setEncoding("utf8").on("data", (t: string) => {
        stderr = (stderr + t).slice(-4000);
      });
      try {
        await joined;
        // Start-up work is not part of the update.
        const agentCpu0 = processCpu(child.pid as number);
        const marks: Record<string, number> = {};
        let stop: () => void = () => {};
        const done = new Promise<void>((resolve, reject) => {
          const off = hub.on("event", (e: HubEvent) => {
            if (!("identifier" in e) || e.identifier !== id) return;
            const now = performance.now();
            if (e.type === "firmware_download") marks.request ??= now;
            if (e.type === "progress") {
              const p = e.payload as { stage?: string; value?: number };
              if (p.stage === "downloading" && p.value === 100) marks.downloaded ??= now;
              if (p.stage === "updating") marks.updating ??= now;
            }
            if (e.type === "status_update") {
              const status = (e.payload as { status?: string }).status;
              if (status === "completed") {
                marks.completed = now;
                off();
                resolve();
              } else if (status === "failed") {
                off();
                reject(new Error(`${id}: the update failed: ${JSON.stringify(e.payload)}`));
              }
            }
          });
          stop = off;
        });
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        const sent = hub.deploy(uuids[mode], { to: id });
        if (sent.sentTo.length !== 1) throw new Error(`${id}: the push did not reach the device`);
        await Promise.race([
          done,
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`${id}: no completed in 120 s`)), 120_000),
          ),
        ]).finally(stop);
        const hubCpu = process.cpuUsage(cpu0);
        // fwup has been waited for: its CPU is in the agent's children's.
        const clientCpu = processCpu(child.pid as number) - agentCpu0;
        await stopAgent(child);
        await checkImage(img, `agent ${updater} ${mode}`);
        const completed = marks.completed as number;
        return {
          seconds: (completed - t0) / 1000,
          clientCpu,
          hubCpu: (hubCpu.user + hubCpu.system) / 1e6,
          ...(marks.request !== undefined ? { requestSeconds: (marks.request - t0) / 1000 } : {}),
          ...(marks.downloaded !== undefined ? { downloadSeconds: (marks.downloaded - t0) / 1000 } : {}),
          ...(marks.updating !== undefined ? { installSeconds: (completed - marks.updating) / 1000 } : {}),
        };
      } catch (e) {
        console.error(`--- ${id} stderr\n${stderr}`);
        throw e;
      } finally {
        await stopAgent(child);
        await rm(dir, { recursive: true, force: true });
      }
    };

    const paths: { name: string; run: () => Promise<Sample> }[] = [
      { name: "fwup -a -i file", run: direct },
      ...(hasShell
        ? (["plain", "tls"] as const).map((m) => ({
            name: `shell curl | tee >(sha256sum) | fwup -a, ${m === "tls" ? "https" : "plain"}`,
            run: () => shell(m),
          }))
        : []),
      ...updaters.flatMap((u) =>
        (["plain", "tls"] as const).map((m) => ({ name: `agent ${u}, ${m}`, run: () => agent(u, m) })),
      ),
    ];
    const loadBefore = loadavg();
    const samples = new Map<string, Sample[]>(paths.map((p) => [p.name, []]));
    for (let i = 0; i < runs; i++) {
      for (const p of paths) samples.get(p.name)?.push(await p.run());
    }
    report(samples, size, loadBefore, loadavg());
  } finally {
    await Promise.all([hubs.plain.close(), hubs.tls.close()]);
    await rm(work, { recursive: true, force: true });
  }
}

function stopAgent(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function report(samples: Map<string, Sample[]>, size: number, before: number[], after: number[]): void {
  const med = (name: string, pick: (s: Sample) => number | undefined = (s) => s.seconds) => {
    const xs = (samples.get(name) ?? []).map(pick).filter((x): x is number => x !== undefined);
    return xs.length ? median(xs) : undefined;
  };
  const direct = med("fwup -a -i file") as number;
  const shellOf = (mode: string) => med(`shell curl | tee >(sha256sum) | fwup -a, ${mode}`);
  const rows = [...samples.keys()].map((name) => {
    const t = med(name) as number;
    const tls = name.endsWith(", tls");
    const shell = name.startsWith("agent ") ? shellOf(tls ? "https" : "plain") : undefined;
    const dl = med(name, (s) => s.downloadSeconds);
    const inst = med(name, (s) => s.installSeconds);
    const req = med(name, (s) => s.requestSeconds);
    const secs = (x: number | undefined) => (x === undefined ? "" : `${x.toFixed(2)} s`);
    return [
      name,
      `${t.toFixed(2)} s`,
      (samples.get(name) ?? []).map((s) => s.seconds.toFixed(2)).join(", "),
      `${(t / direct).toFixed(1)}×`,
      shell === undefined ? "" : `${(t / shell).toFixed(2)}×${t / shell <= TARGET_RATIO ? "" : " ✗"}`,
      secs(req),
      secs(dl),
      inst === undefined ? "" : `${inst.toFixed(2)} s (${(inst / direct).toFixed(2)}×)`,
      secs(med(name, (s) => s.clientCpu)),
      secs(med(name, (s) => s.hubCpu)),
    ];
  });
  const header = [
    "path",
    "median",
    "runs",
    "vs fwup -a -i",
    "vs shell",
    "push→GET",
    "download",
    "install (vs fwup -a -i)",
    "CPU device",
    "CPU hub",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(
    `\nSigned ${(size / 1024 / 1024).toFixed(0)} MiB .fw, hub on loopback, real fwup; ${runs} runs each, ` +
      `from the push to \`completed\`; every image byte-identical to fwup -a -i's.`,
  );
  console.log(
    `${cpus().length} cores; load average ${before.map((l) => l.toFixed(2)).join(" ")} before, ` +
      `${after.map((l) => l.toFixed(2)).join(" ")} after\n`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
  console.log(
    `\nTargets: every agent updater within ${TARGET_RATIO}× of the shell pipeline (same transport); ` +
      `the caching install phase within ${TARGET_RATIO}× of fwup -a -i.`,
  );
  const cachingInstall = Math.max(
    ...(["plain", "tls"] as const).map(
      (m) => med(`agent caching, ${m}`, (s) => s.installSeconds) ?? Infinity,
    ),
  );
  console.log(
    `caching install phase: ${(cachingInstall / direct).toFixed(2)}× (${cachingInstall <= direct * TARGET_RATIO ? "met" : "NOT met"})`,
  );
}

await main();
