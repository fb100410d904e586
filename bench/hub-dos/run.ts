// Unauthenticated load on the hub's shared-secret check: hostile clients that know a product key id
// (but not its secret) send device-socket upgrades as fast as the hub answers them, from 127.0.0.2,
// while a prober times GET /status/alive and honest devices connect and join from 127.0.0.1.
// Scenarios: "out-of-bounds" names the costliest PBKDF2 a client could ask for (sha512, 100000
// iterations, 1024 bytes); "in-bounds" names an accepted cost (sha512, 10000, 64) with a different
// signing second each time, so no derived key can be reused.
// Targets: /status/alive p99 under 100 ms, every honest device joined.
// Run from the repo root: pnpm bench:hub-dos [--hostile 50] [--seconds 10] [--honest-every-ms 500]
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { cpus, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { RawDevice, rawConnect } from "../../packages/hub/src/test-support/phoenix-device.js";
import { deviceSocketUpgrade } from "../../packages/hub/src/test-support/raw-request.js";
import { signSharedSecret } from "../../packages/nh1-token/src/index.js";

const { values } = parseArgs({
  options: {
    hostile: { type: "string", default: "50" },
    seconds: { type: "string", default: "10" },
    "honest-every-ms": { type: "string", default: "500" },
  },
});
const HOSTILE = Number(values.hostile);
const SECONDS = Number(values.seconds);
const HONEST_EVERY_MS = Number(values["honest-every-ms"]);
const TARGET_ALIVE_MS = 100;
const HOSTILE_ADDRESS = "127.0.0.2";

interface HubInfo {
  port: number;
  productKey: string;
  productSecret: string;
  pid: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** CPU seconds the hub process has used (user + system), from /proc. */
async function hubCpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs prober.mjs (its own process, its own event loop) and gets its /status/alive times. */
function probeAlive(port: number, durationMs: number): Promise<number[]> {
  const script = fileURLToPath(new URL("./prober.mjs", import.meta.url));
  const child = spawn(process.execPath, [script, String(port), String(durationMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`prober exited ${code}`)),
    ),
  );
}

type HubHandle = Awaited<ReturnType<typeof spawnHub>>;

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

async function spawnHub(): Promise<{
  info: HubInfo;
  loopDelay(): Promise<LoopDelay>;
  stop(): Promise<void>;
}> {
  const script = fileURLToPath(new URL("./hub-process.ts", import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    ["--conditions=source", "--import", import.meta.resolve("tsx"), script],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", (code) => reject(new Error(`the hub process exited (${code})`)));
    });
  const info = JSON.parse(await nextLine()) as HubInfo;
  return {
    info,
    /** The hub's event-loop delay since the previous call: how long it kept everyone waiting. */
    async loopDelay() {
      const line = nextLine();
      child.stdin?.write("\n");
      return JSON.parse(await line) as LoopDelay;
    },
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One raw HTTP exchange; resolves with the status code (0: closed without one) and the time taken. */
function exchange(
  port: number,
  request: string,
  localAddress?: string,
): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", ...(localAddress ? { localAddress } : {}) }, () =>
      socket.write(request),
    );
    let head = "";
    const done = (status: number) => {
      socket.destroy();
      resolve({ status, ms: performance.now() - started });
    };
    socket.on("data", (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (m) done(Number(m[1]));
    });
    socket.on("error", () => done(0));
    socket.on("close", () => done(0));
  });
}

function hostileRequest(info: HubInfo, scenario: "out-of-bounds" | "in-bounds"): string {
  const now = Math.floor(Date.now() / 1000);
  // A fresh second per request in the in-bounds case: a new salt, so nothing derived can be reused.
  const signedAtSeconds = scenario === "in-bounds" ? now - Math.floor(Math.random() * 80) : now;
  const headers = signSharedSecret({
    key: info.productKey,
    secret: "not-the-secret",
    identifier: `intruder-${Math.random()}`,
    signedAtSeconds,
    keyIterations: 1,
  });
  headers["x-nh-alg"] = scenario === "in-bounds" ? "NH1-HMAC-sha512-10000-64" : "NH1-HMAC-sha512-100000-1024";
  return deviceSocketUpgrade(headers);
}

async function honestJoin(info: HubInfo, n: number): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  const headers = signSharedSecret({
    key: info.productKey,
    secret: info.productSecret,
    identifier: `honest-${n}`,
    signedAtSeconds: Math.floor(Date.now() / 1000),
  });
  const r = await rawConnect(`ws://127.0.0.1:${info.port}/device-socket/websocket?vsn=2.0.0`, { headers });
  if (r.kind !== "open") return { ok: false, ms: performance.now() - started };
  const device = new RawDevice(r.ws);
  try {
    device.sendJson(["1", "1", "device", "phx_join", { device_api_version: "2.2.0" }]);
    const reply = await device.nextJson((f) => f[3] === "phx_reply", 10_000);
    return { ok: (reply[4] as { status?: string }).status === "ok", ms: performance.now() - started };
  } catch {
    return { ok: false, ms: performance.now() - started };
  } finally {
    r.ws.terminate();
  }
}

async function scenario(hub: HubHandle, name: "out-of-bounds" | "in-bounds"): Promise<boolean> {
  const { info } = hub;
  await hub.loopDelay();
  const cpuBefore = await hubCpuSeconds(info.pid);
  const deadline = performance.now() + SECONDS * 1000;
  const statuses = new Map<number, number>();
  const hostile = Array.from({ length: HOSTILE }, async () => {
    while (performance.now() < deadline) {
      const { status } = await exchange(info.port, hostileRequest(info, name), HOSTILE_ADDRESS);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  });
  const prober = probeAlive(info.port, SECONDS * 1000);
  const honest: { ok: boolean; ms: number }[] = [];
  const joiners = (async () => {
    const pending: Promise<void>[] = [];
    for (let n = 0; performance.now() < deadline - 1000; n++) {
      pending.push(honestJoin(info, n).then((r) => void honest.push(r)));
      await sleep(HONEST_EVERY_MS);
    }
    await Promise.all(pending);
  })();
  const [alive] = await Promise.all([prober, ...hostile, joiners]);
  const hubCpu = (await hubCpuSeconds(info.pid)) - cpuBefore;
  const loop = await hub.loopDelay();
  const hostileTotal = [...statuses.values()].reduce((a, b) => a + b, 0);
  const joined = honest.filter((h) => h.ok).length;
  const aliveP99 = percentile(alive, 99);
  console.log(`\n${name}: ${HOSTILE} hostile clients for ${SECONDS} s (load average now ${load()})`);
  console.log(
    `  hostile upgrades answered: ${hostileTotal} (${(hostileTotal / SECONDS).toFixed(0)}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  console.log(
    `  hub CPU: ${hubCpu.toFixed(2)} s in ${SECONDS} s (${((hubCpu / SECONDS) * 100).toFixed(0)}% of one core), ${((hubCpu / Math.max(1, hostileTotal)) * 1000).toFixed(2)} ms per hostile upgrade`,
  );
  console.log(`  hub event-loop delay: p50 ${loop.p50} ms, p99 ${loop.p99} ms, max ${loop.max} ms`);
  console.log(
    `  /status/alive: ${alive.length} probes, p50 ${percentile(alive, 50).toFixed(1)} ms, p99 ${aliveP99.toFixed(1)} ms, max ${Math.max(...alive).toFixed(1)} ms (target p99 < ${TARGET_ALIVE_MS} ms)`,
  );
  console.log(
    `  honest devices joined: ${joined}/${honest.length}, join p50 ${percentile(
      honest.map((h) => h.ms),
      50,
    ).toFixed(1)} ms, max ${Math.max(...honest.map((h) => h.ms)).toFixed(1)} ms`,
  );
  return aliveP99 < TARGET_ALIVE_MS && joined === honest.length && honest.length > 0;
}

console.log(`hub-dos: ${cpus().length} CPUs, load average ${load()} (1, 5, 15 min)`);
const hub = await spawnHub();
try {
  const idle = await probeAlive(hub.info.port, 2000);
  console.log(
    `idle /status/alive: p50 ${percentile(idle, 50).toFixed(1)} ms, p99 ${percentile(idle, 99).toFixed(1)} ms, max ${Math.max(...idle).toFixed(1)} ms`,
  );
  const results = [await scenario(hub, "out-of-bounds"), await scenario(hub, "in-bounds")];
  console.log(`\nload average at the end: ${load()}`);
  console.log(results.every(Boolean) ? "PASS" : "FAIL");
  process.exitCode = results.every(Boolean) ? 0 : 1;
} finally {
  await hub.stop();
}
