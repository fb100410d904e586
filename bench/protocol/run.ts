// Protocol benchmark: encode/decode frames per second for each serializer, and bytes per message.
// Run from the repo root: pnpm bench:protocol   (optional: --ms=<time per measurement>)
import {
  decodeDeviceMessage,
  decodeServerMessage,
  type Frame,
  jsonSerializer,
  msgpackSerializer,
  type Serializer,
} from "../../packages/protocol/src/index.js";
import { benchMessages } from "./messages.js";

const msArg = process.argv.find((a) => a.startsWith("--ms="));
const targetMs = msArg ? Number(msArg.slice(5)) : 350;

let sink = 0; // Results feed this so the work cannot be optimised away.

/** Runs `fn` for about `targetMs` after a warm-up and returns calls per second. */
function rate(fn: () => number): number {
  const warmUntil = performance.now() + Math.min(100, targetMs / 3);
  let calibration = 0;
  while (performance.now() < warmUntil) {
    sink += fn();
    calibration++;
  }
  const iterations = Math.max(1000, Math.round((calibration * targetMs) / Math.min(100, targetMs / 3)));
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return iterations / seconds;
}

const size = (wire: string | Uint8Array) =>
  typeof wire === "string" ? new TextEncoder().encode(wire).length : wire.length;

function measure(serializer: Serializer, frame: Frame) {
  const wire = serializer.encode(frame);
  const check = serializer.decode(wire);
  if (!check.ok) throw check.error;
  return {
    bytes: size(wire),
    encode: rate(() => serializer.encode(frame).length),
    decode: rate(() => (serializer.decode(wire).ok ? 1 : 0)),
  };
}

const json = jsonSerializer();
const msgpack = msgpackSerializer();
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const header = [
  "message",
  "JSON B",
  "msgpack B",
  "msgpack/JSON",
  "JSON enc/s",
  "JSON dec/s",
  "msgpack enc/s",
  "msgpack dec/s",
  "catalog dec/s",
];
// Warm every code path once so the first rows are not measured against a cold JIT.
for (let i = 0; i < 3000; i++) {
  for (const m of benchMessages) {
    for (const s of [json, msgpack]) sink += s.decode(s.encode(m.frame)).ok ? 1 : 0;
  }
}

const rows: string[][] = [];
for (const m of benchMessages) {
  const j = measure(json, m.frame);
  const p = measure(msgpack, m.frame);
  const { topic, event, payload } = m.frame;
  const decodeCatalog = m.receiver === "device" ? decodeServerMessage : decodeDeviceMessage;
  // Join and heartbeat frames are Phoenix control frames, not catalog messages.
  const known = decodeCatalog(topic, event, payload);
  const inCatalog = known.ok && known.value.kind !== "unknown";
  const catalog = inCatalog ? fmt(rate(() => (decodeCatalog(topic, event, payload).ok ? 1 : 0))) : "n/a";
  rows.push([
    m.name,
    String(j.bytes),
    String(p.bytes),
    `${Math.round((p.bytes / j.bytes) * 100)}%`,
    fmt(j.encode),
    fmt(j.decode),
    fmt(p.encode),
    fmt(p.decode),
    catalog,
  ]);
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
console.log(
  `protocol benchmark — Node ${process.version}, ~${targetMs} ms per measurement, frames per second`,
);
console.log(line(header));
console.log(
  `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
);
for (const r of rows) console.log(line(r));
console.log("catalog dec/s: decodeServerMessage/decodeDeviceMessage on the already-parsed payload");
if (sink === -1) console.log(sink);
