// The benchmark's fwup: a minimal consumer of fwup's framed stdin that discards the bytes, with
// blocking 1 MiB reads so the sink costs as little CPU as possible. It answers PR 0, then OK and
// the exit handshake once FAKE_FWUP_SIZE bytes arrived, then waits for stdin to close (like fwup).
// With BENCH_SINK_STATS set, it writes its own CPU seconds there as it exits (for the CPU budget).
import { readSync, writeFileSync, writeSync } from "node:fs";

const size = Number(process.env.FAKE_FWUP_SIZE);
const buf = Buffer.allocUnsafe(1 << 20);
const record = (type, code) => {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(4, 0);
  b.write(type, 4, "latin1");
  b.writeUInt16BE(code, 6);
  return b;
};
const read = () => {
  for (;;) {
    try {
      return readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code !== "EAGAIN") throw e;
    }
  }
};

writeSync(1, record("PR", 0));
let got = 0;
let left = 0;
let header = 0;
let headerBytes = 0;
let ended = false;
while (got < size && !ended) {
  const n = read();
  if (n === 0) break;
  let i = 0;
  while (i < n) {
    if (left === 0) {
      header = header * 256 + (buf[i++] ?? 0);
      if (++headerBytes === 4) {
        left = header;
        header = 0;
        headerBytes = 0;
        if (left === 0) {
          ended = true;
          break;
        }
      }
      continue;
    }
    const take = Math.min(left, n - i);
    left -= take;
    got += take;
    i += take;
  }
}
const ok = got === size;
writeSync(
  1,
  Buffer.concat([
    record(ok ? "PR" : "ER", ok ? 100 : 0),
    ok ? record("OK", 0) : Buffer.alloc(0),
    Buffer.from([0x1a, ok ? 0 : 1]),
  ]),
);
while (read() > 0);
if (process.env.BENCH_SINK_STATS) {
  const u = process.resourceUsage();
  writeFileSync(process.env.BENCH_SINK_STATS, String((u.userCPUTime + u.systemCPUTime) / 1e6));
}
