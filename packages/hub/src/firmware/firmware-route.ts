// Serves presigned firmware URLs with Range support and injectable faults.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HubCore } from "../core.js";
import type { FaultTable, FirmwareFault } from "./faults.js";
import { type ByteRange, parseRange } from "./range.js";
import { RangeReader } from "./range-reader.js";
import type { UrlSigner } from "./signed-url.js";
import type { FirmwareRecord, FirmwareStore } from "./store.js";

/** Bytes per read and write: 256 KiB took half the CPU of 64 KiB in bench/update. */
const CHUNK = 256 * 1024;

/** A throttled body goes out in pieces of about 50 ms each, so its pace is smooth. */
const throttledChunk = (bytesPerSecond: number) =>
  Math.min(CHUNK, Math.max(1024, Math.round(bytesPerSecond / 20)));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a cut connection may stay half-closed before the hub drops it. */
const CUT_LINGER_MS = 30_000;

/**
 * Ends the connection mid-body after exactly the bytes written so far: the socket flushes them and
 * sends FIN (TLS: close_notify first), and keeps reading until the client closes. Destroying it
 * instead would reset the connection as soon as the client sent anything more, and a reset makes the
 * client's kernel throw away bytes it had received but not yet read.
 */
function cutConnection(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  socket.end();
  const linger = setTimeout(() => socket.destroy(), CUT_LINGER_MS).unref();
  socket.once("close", () => clearTimeout(linger));
}

function describe(fault: FirmwareFault | undefined): string | null {
  return fault ? JSON.stringify(fault) : null;
}

export interface FirmwareRouteDeps {
  core: HubCore;
  store: FirmwareStore;
  signer: UrlSigner;
  faults: FaultTable;
}

export async function serveFirmware(
  deps: FirmwareRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const { core } = deps;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  const verdict = deps.signer.verify(url.pathname, url.searchParams, core.now());
  if (!verdict.ok) {
    // Only the path is logged: the query string is a bearer credential.
    core.log.info({ path: url.pathname, reason: verdict.reason }, "firmware request refused");
    res
      .writeHead(verdict.reason === "not_found" ? 404 : 403, { "content-type": "text/plain" })
      .end(verdict.reason);
    return;
  }
  const record = deps.store.get(verdict.firmwareUuid);
  if (!record) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not_found");
    return;
  }
  const fault = deps.faults.take(verdict.identifier, record.uuid);
  const rangeHeader = req.headers.range;
  core.emit({
    type: "firmware_download",
    at: core.now(),
    identifier: verdict.identifier,
    firmwareUuid: record.uuid,
    range: rangeHeader ?? null,
    fault: describe(fault),
  });
  // Never the URL: its query string is a bearer credential.
  const log = core.log.child({ device: verdict.identifier, firmwareUuid: record.uuid });
  if (fault) log.info({ fault: describe(fault) }, "firmware fault applied");
  if (fault?.status5xxOnce !== undefined || fault?.status !== undefined) {
    res.writeHead(fault.status5xxOnce ?? fault.status ?? 500, { "content-length": "0" }).end();
    return;
  }

  const size = record.size;
  const parsed = fault?.ignoreRange ? undefined : parseRange(rangeHeader, size);
  const headers: Record<string, string> = {
    "content-type": "application/octet-stream",
    "accept-ranges": "bytes",
    etag: `"${record.checksum}"`,
  };
  if (parsed === "unsatisfiable") {
    res.writeHead(416, { ...headers, "content-range": `bytes */${size}`, "content-length": "0" }).end();
    return;
  }
  const range = parsed ?? { start: 0, end: size - 1 };
  const length = range.end - range.start + 1;
  if (parsed) {
    const shift = fault?.wrongContentRange ? 1 : 0;
    headers["content-range"] = `bytes ${range.start + shift}-${range.end + shift}/${size}`;
  }
  headers["content-length"] = String(length);
  res.writeHead(parsed ? 206 : 200, headers);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  log.info(
    { range: rangeHeader ?? null, bytes: length },
    range.start > 0 ? "firmware download resumed" : "firmware download started",
  );
  const sent = await streamBody(res, record, range, fault);
  if (sent === length && !res.destroyed)
    log.info({ bytes: sent, end: range.end + 1, size }, "firmware download finished");
  else log.info({ bytes: sent, expected: length }, "firmware download interrupted");
}

async function streamBody(
  res: ServerResponse,
  record: FirmwareRecord,
  range: ByteRange,
  fault: FirmwareFault | undefined,
): Promise<number> {
  let offset = range.start;
  let sent = 0;
  const started = Date.now();
  const rate = fault?.bytesPerSecond;
  const reader = new RangeReader(record, range, rate ? throttledChunk(rate) : CHUNK);
  res.once("close", () => reader.close());
  for await (const { bytes, done } of reader.chunks()) {
    if (res.destroyed) return sent;
    let chunk = bytes;
    const corrupt = fault?.corruptByteAt;
    if (corrupt !== undefined && corrupt >= offset && corrupt < offset + chunk.length) {
      chunk = Buffer.from(chunk);
      chunk[corrupt - offset] = (chunk[corrupt - offset] ?? 0) ^ 0xff;
    }
    const cut = fault?.cutAfterBytes;
    if (cut !== undefined && sent + chunk.length >= cut) {
      res.write(chunk.subarray(0, cut - sent), done);
      cutConnection(res);
      return cut;
    }
    // The buffer is read into again once this write has gone out (or failed).
    if (!res.write(chunk, done)) await drained(res);
    offset += chunk.length;
    sent += chunk.length;
    if (rate) {
      const due = (sent / rate) * 1000 - (Date.now() - started);
      if (due > 0) await sleep(due);
    }
  }
  if (res.destroyed) return sent;
  res.end();
  return sent;
}

/** Resolves on 'drain', or on 'close' (a closed response never drains). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const go = () => {
      res.off("drain", go);
      res.off("close", go);
      resolve();
    };
    res.on("drain", go);
    res.on("close", go);
  });
}
