// One measured download, run in its own process so its peak RSS is its own. Prints one JSON line.
//   plain: loopback HTTP(S) GET with node:http(s) piped to /dev/null (the baseline)
//   own: the downloader's own HTTP/1.1 reader (firmware-fwup's http1/), bytes discarded
//   undici-request / undici-stream: undici's request() / stream() with an Agent dispatcher, bytes discarded
//   agent: the device path: HttpDownloader → SHA-256 (with the verified hold-back) → FwupRunner
//          feeding fwup-sink.mjs, which parses the framed stdin and discards it
// An https URL takes the CA file as a fifth argument.
import { createWriteStream, readFileSync, rmSync } from "node:fs";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { fwupInstaller, HttpDownloader, streamingStrategy } from "../../packages/firmware-fwup/src/index.js";
// The SHA-256 module alone: the platform package's entry would also load pino and the rest into this process.
import { nodeSha256 } from "../../packages/platform-node/src/sha256.js";

const [mode, url, sizeText, checksum, caFile] = process.argv.slice(2);
if (!mode || !url || !sizeText || !checksum)
  throw new Error(
    "usage: client.ts plain|own|undici-request|undici-stream|agent <url> <size> <sha256> [ca.pem]",
  );
const size = Number(sizeText);
const ca = caFile ? readFileSync(caFile, "utf8") : undefined;
const secure = url.startsWith("https:");
/** A minimal framed-stdin consumer standing in for fwup (which would write to flash instead). */
const FWUP_SINK = fileURLToPath(new URL("./fwup-sink.mjs", import.meta.url));

async function plain(): Promise<number> {
  // Each mode loads only what it uses, so the process's peak RSS is that mode's own.
  const get = secure ? (await import("node:https")).get : httpGet;
  const res = await new Promise<import("node:http").IncomingMessage>((resolve, reject) =>
    get(url as string, { agent: false, ...(ca ? { ca } : {}) }, resolve).on("error", reject),
  );
  let bytes = 0;
  res.on("data", (c: Buffer) => {
    bytes += c.length;
  });
  await pipeline(res, createWriteStream("/dev/null"));
  return bytes;
}

async function own(): Promise<number> {
  const { http1Get } = await import("../../packages/firmware-fwup/src/http1/client.js");
  const target = new URL(url as string);
  const res = await http1Get({
    host: target.hostname,
    port: Number(target.port),
    ...(secure ? { tls: { ...(ca ? { ca } : {}) } } : {}),
    target: `${target.pathname}${target.search}`,
    authority: target.host,
    headers: {},
  });
  let bytes = 0;
  for await (const c of res.body()) bytes += c.length;
  return bytes;
}

/** One connection at a time, as the downloader opens them. undici loads only in its own modes. */
const dispatcher = async () => {
  const undici = await import("undici");
  return { undici, agent: new undici.Agent({ connections: 1, ...(ca ? { connect: { ca } } : {}) }) };
};

async function undiciRequest(): Promise<number> {
  const { undici, agent } = await dispatcher();
  // A larger body buffer than the 64 KiB default, as a firmware download would configure it.
  const { body } = await undici.request(url as string, { dispatcher: agent, highWaterMark: 1024 * 1024 });
  let bytes = 0;
  for await (const c of body) bytes += (c as Buffer).length;
  await agent.close();
  return bytes;
}

async function undiciStream(): Promise<number> {
  const { undici, agent } = await dispatcher();
  let bytes = 0;
  await undici.stream(
    url as string,
    { method: "GET", dispatcher: agent },
    () =>
      new Writable({
        write(c: Buffer, _enc, done) {
          bytes += c.length;
          done();
        },
      }),
  );
  await agent.close();
  return bytes;
}

/** CPU seconds the sink reported (0 for the plain download, which has none). */
let sinkCpuSeconds = 0;

async function agent(): Promise<number> {
  let bytes = 0;
  const stats = join(tmpdir(), `nerves-hub-ts-bench-sink-${process.pid}`);
  const strategy = streamingStrategy({
    downloader: new HttpDownloader({ proxy: null, ...(ca ? { tls: { ca } } : {}) }),
    installer: fwupInstaller({
      devpath: "/dev/null",
      command: process.execPath,
      commandPrefix: [FWUP_SINK],
      env: { FAKE_FWUP_SIZE: String(size), BENCH_SINK_STATS: stats },
    }),
    hash: nodeSha256,
  });
  const outcome = await strategy.run({
    offer: { firmware_url: url as string, firmware_meta: { uuid: "bench" }, size, checksum },
    publicKeys: [],
    signal: new AbortController().signal,
    onConnection: () => {},
    onProgress: () => {},
    onFwupMessage: (m) => {
      if (m.type === "progress") bytes = Math.round((m.percent / 100) * size);
    },
  });
  if (!outcome.ok) throw new Error(`update failed: ${JSON.stringify(outcome.failure)}`);
  sinkCpuSeconds = Number(readFileSync(stats, "utf8"));
  rmSync(stats);
  return bytes;
}

const t0 = process.hrtime.bigint();
const modes: Record<string, () => Promise<number>> = {
  plain,
  own,
  "undici-request": undiciRequest,
  "undici-stream": undiciStream,
  agent,
};
const run = modes[mode];
if (!run) throw new Error(`unknown mode ${mode}`);
const bytes = await run();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const usage = process.resourceUsage();
const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
process.stdout.write(
  `${JSON.stringify({ mode, bytes, seconds, cpuSeconds, sinkCpuSeconds, peakRssKb: usage.maxRSS })}\n`,
);
