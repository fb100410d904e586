// One measured download, run in its own process so its peak RSS is its own. Prints one JSON line.
//   plain: loopback HTTP GET piped to /dev/null (the baseline)
//   agent: the device path: HttpDownloader → SHA-256 (with the verified hold-back) → FwupRunner
//          feeding fwup-sink.mjs, which parses the framed stdin and discards it
import { createWriteStream, readFileSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { fwupInstaller, HttpDownloader, streamingStrategy } from "../../packages/firmware-fwup/src/index.js";
import { nodeSha256 } from "../../packages/platform-node/src/index.js";

const [mode, url, sizeText, checksum] = process.argv.slice(2);
if (!mode || !url || !sizeText || !checksum)
  throw new Error("usage: client.ts plain|agent <url> <size> <sha256>");
const size = Number(sizeText);
/** A minimal framed-stdin consumer standing in for fwup (which would write to flash instead). */
const FWUP_SINK = fileURLToPath(new URL("./fwup-sink.mjs", import.meta.url));

async function plain(): Promise<number> {
  const res = await new Promise<import("node:http").IncomingMessage>((resolve, reject) =>
    get(url as string, { agent: false }, resolve).on("error", reject),
  );
  let bytes = 0;
  res.on("data", (c: Buffer) => {
    bytes += c.length;
  });
  await pipeline(res, createWriteStream("/dev/null"));
  return bytes;
}

/** CPU seconds the sink reported (0 for the plain download, which has none). */
let sinkCpuSeconds = 0;

async function agent(): Promise<number> {
  let bytes = 0;
  const stats = join(tmpdir(), `nerves-hub-ts-bench-sink-${process.pid}`);
  const strategy = streamingStrategy({
    downloader: new HttpDownloader({ proxy: null }),
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
const bytes = mode === "plain" ? await plain() : await agent();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const usage = process.resourceUsage();
const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
process.stdout.write(
  `${JSON.stringify({ mode, bytes, seconds, cpuSeconds, sinkCpuSeconds, peakRssKb: usage.maxRSS })}\n`,
);
