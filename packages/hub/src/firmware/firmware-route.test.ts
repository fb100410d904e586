// The firmware server: byte-exact ranges, URL expiry and every injectable fault, over real HTTP.
import { createHash, randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Hub, startHub } from "../hub.js";
import { startTestHub } from "../test-kit/test-hub.js";
import { testPki } from "../test-support/fixtures.js";
import { rawGet } from "../test-support/raw-http.js";
import { systemClock } from "../time/clock.js";
import type { FirmwareRecord } from "./store.js";

interface Fetched {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The connection ended before the announced body was complete. */
  aborted: boolean;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      let aborted = false;
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("aborted", () => {
        aborted = true;
      });
      res.on("error", () => {
        aborted = true;
      });
      res.on("close", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          aborted: aborted || !res.complete,
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const MiB = 1024 * 1024;
let now = Date.now();
let hub: Hub;
let bytes: Uint8Array;
let fw: FirmwareRecord;

beforeAll(async () => {
  hub = await startHub({ clock: { ...systemClock(), now: () => now } });
  bytes = randomBytes(2 * MiB + 123);
  fw = await hub.addFirmware(bytes, {
    version: "1.2.3",
    product: "widget",
    platform: "rpi4",
    architecture: "arm",
  });
});
afterAll(() => hub.close());

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex").toUpperCase();

describe("firmware records", () => {
  it("computes the size, the upper-case SHA-256 and the 1 MiB partial checksums", () => {
    expect(fw.size).toBe(bytes.length);
    expect(fw.checksum).toBe(sha(bytes));
    expect(fw.partialsChecksums).toEqual([
      sha(bytes.subarray(0, MiB)),
      sha(bytes.subarray(MiB, 2 * MiB)),
      sha(bytes.subarray(2 * MiB)),
    ]);
  });

  it("lets the event loop run while it hashes a large image", async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const large = new Uint8Array(64 * MiB).fill(3);
    const rec = await hub.addFirmware(large, { version: "6.4.0" });
    clearInterval(ticker);
    expect(rec.partialsChecksums).toHaveLength(64);
    expect(rec.checksum).toBe(sha(large));
    expect(ticks).toBeGreaterThan(0);
  });

  it("hashes and serves a firmware file given by path", async () => {
    const path = join(tmpdir(), `hub-fw-${process.pid}.fw`);
    const data = randomBytes(300_000);
    try {
      await writeFile(path, data);
      const rec = await hub.addFirmware(path, { version: "9.9.9" });
      expect(rec.checksum).toBe(sha(data));
      const r = await get(hub.firmwareUrl(rec.uuid), { range: "bytes=1000-1999" });
      expect(r.status).toBe(206);
      expect(r.body.equals(data.subarray(1000, 2000))).toBe(true);
    } finally {
      await rm(path, { force: true });
    }
  });
});

describe("serving", () => {
  it("serves the whole file with Accept-Ranges and Content-Length", async () => {
    const r = await get(hub.firmwareUrl(fw.uuid));
    expect(r.status).toBe(200);
    expect(r.headers["accept-ranges"]).toBe("bytes");
    expect(r.headers["content-length"]).toBe(String(bytes.length));
    expect(sha(r.body)).toBe(fw.checksum);
  });

  it.each([
    ["bytes=0-0", 0, 0],
    ["bytes=100-199", 100, 199],
    ["bytes=2097000-", 2_097_000, 2 * MiB + 122],
    ["bytes=-50", 2 * MiB + 73, 2 * MiB + 122],
    ["bytes=2097000-99999999", 2_097_000, 2 * MiB + 122],
  ])("answers %s with 206 and the exact bytes", async (range, start, end) => {
    const r = await get(hub.firmwareUrl(fw.uuid), { range });
    expect(r.status).toBe(206);
    expect(r.headers["content-range"]).toBe(`bytes ${start}-${end}/${bytes.length}`);
    expect(r.headers["content-length"]).toBe(String(end - start + 1));
    expect(r.body.equals(Buffer.from(bytes.subarray(start, end + 1)))).toBe(true);
  });

  it("answers 416 with Content-Range */size to a range past the end", async () => {
    const r = await get(hub.firmwareUrl(fw.uuid), { range: `bytes=${bytes.length}-` });
    expect(r.status).toBe(416);
    expect(r.headers["content-range"]).toBe(`bytes */${bytes.length}`);
  });

  it("refuses tampered and expired URLs with 403", async () => {
    const url = hub.firmwareUrl(fw.uuid, { ttlSeconds: 60 });
    expect((await get(url.replace(/signature=[0-9a-f]/, "signature=x"))).status).toBe(403);
    expect((await get(url.replace("expires=", "expires=9"))).status).toBe(403);
    now += 61_000;
    expect((await get(url)).status).toBe(403);
    now -= 61_000;
    expect((await get(url)).status).toBe(200);
  });
});

describe("faults", () => {
  const url = (identifier: string) => hub.firmwareUrl(fw.uuid, { identifier });

  it.each([70_000, 1_500_000])("cuts the body after %i bytes, once; a resume completes it", async (n) => {
    hub.injectFault({ identifier: "cut" }, { cutAfterBytes: n, once: true });
    const r = await get(url("cut"));
    expect(r.aborted).toBe(true);
    expect(r.body.length).toBe(n);
    expect(r.body.equals(Buffer.from(bytes.subarray(0, n)))).toBe(true);
    const again = await get(url("cut"), { range: `bytes=${n}-` });
    expect(again.status).toBe(206);
    expect(Buffer.concat([r.body, again.body]).equals(Buffer.from(bytes))).toBe(true);
  });

  it.each([0, 1, 65_536, 70_000, 1_500_000])(
    "puts exactly %i body bytes on the wire after a full-size header, then FIN",
    async (n) => {
      hub.injectFault({ identifier: "wire" }, { cutAfterBytes: n, once: true });
      const r = await rawGet(url("wire"));
      expect(r.head).toMatch(/^HTTP\/1\.1 200 /);
      expect(r.head).toContain(`content-length: ${bytes.length}`);
      expect(r.body.length).toBe(n);
      expect(r.body.equals(Buffer.from(bytes.subarray(0, n)))).toBe(true);
      expect(r.ending).toBe("fin");
    },
  );

  it("counts a cut from the start of the requested range", async () => {
    hub.injectFault({ identifier: "ranged-cut" }, { cutAfterBytes: 1000, once: true });
    const ranged = await get(url("ranged-cut"), { range: "bytes=5000-" });
    expect(ranged.status).toBe(206);
    expect(ranged.aborted).toBe(true);
    expect(ranged.body.equals(Buffer.from(bytes.subarray(5000, 6000)))).toBe(true);
  });

  it("does not reset a cut connection when the client writes after the cut", async () => {
    // A reset would make the client's kernel discard what it had received but not read yet.
    hub.injectFault({ identifier: "chatty" }, { cutAfterBytes: 1_500_000, once: true });
    const r = await rawGet(url("chatty"), { writeAfterFirstData: "GET / HTTP/1.1\r\nhost: x\r\n\r\n" });
    expect(r.body.length).toBe(1_500_000);
    expect(r.ending).toBe("fin");
  });

  it("answers a 5xx once, then serves", async () => {
    hub.injectFault({ identifier: "flaky" }, { status5xxOnce: 503 });
    expect((await get(url("flaky"))).status).toBe(503);
    expect((await get(url("flaky"))).status).toBe(200);
  });

  it("answers a fixed status for a firmware until the fault is removed", async () => {
    const remove = hub.injectFault({ firmwareUuid: fw.uuid }, { status: 404 });
    expect((await get(url("anyone"))).status).toBe(404);
    expect((await get(url("anyone-else"))).status).toBe(404);
    remove();
    expect((await get(url("anyone"))).status).toBe(200);
  });

  it("throttles to bytesPerSecond", async () => {
    hub.injectFault({ identifier: "slow" }, { bytesPerSecond: 400_000, once: true });
    const started = Date.now();
    const r = await get(url("slow"), { range: "bytes=0-199999" });
    expect(r.body.length).toBe(200_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it("sends a Content-Range one byte off", async () => {
    hub.injectFault({ identifier: "liar" }, { wrongContentRange: true, once: true });
    const r = await get(url("liar"), { range: "bytes=10-19" });
    expect(r.headers["content-range"]).toBe(`bytes 11-20/${bytes.length}`);
    expect(r.body.equals(Buffer.from(bytes.subarray(10, 20)))).toBe(true);
  });

  it("corrupts one byte at an absolute offset", async () => {
    hub.injectFault({ identifier: "bitrot" }, { corruptByteAt: 1_500_000 });
    const r = await get(url("bitrot"), { range: "bytes=1499990-1500009" });
    const expected = Buffer.from(bytes.subarray(1_499_990, 1_500_010));
    expected[10] = (expected[10] ?? 0) ^ 0xff;
    expect(r.body.equals(expected)).toBe(true);
    expect(sha((await get(url("bitrot"))).body)).not.toBe(fw.checksum);
  });

  it("ignores Range and answers 200 with the whole file", async () => {
    hub.injectFault({ identifier: "norange" }, { ignoreRange: true });
    const r = await get(url("norange"), { range: "bytes=100-" });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(bytes.length);
  });

  it("reports each download as a hub event", async () => {
    const seen = hub.waitFor((e) => e.type === "firmware_download" && e.identifier === "watched");
    await get(url("watched"), { range: "bytes=0-9" });
    await expect(seen).resolves.toMatchObject({ firmwareUuid: fw.uuid, range: "bytes=0-9", fault: null });
  });
});

describe("cuts over TLS", () => {
  let tlsHub: Hub;
  let ca: string;
  beforeAll(async () => {
    const pki = await testPki();
    ca = pki.ca.certPem;
    ({ hub: tlsHub } = await startTestHub({ tls: pki }));
  });
  afterAll(() => tlsHub.close());

  it("delivers exactly the bytes before the cut, then close_notify and FIN", async () => {
    const rec = await tlsHub.addFirmware(bytes);
    tlsHub.injectFault({ identifier: "tls-cut" }, { cutAfterBytes: 1_500_000, once: true });
    const r = await rawGet(tlsHub.firmwareUrl(rec.uuid, { identifier: "tls-cut" }), {
      ca,
      writeAfterFirstData: "GET / HTTP/1.1\r\nhost: x\r\n\r\n",
    });
    expect(r.body.equals(Buffer.from(bytes.subarray(0, 1_500_000)))).toBe(true);
    expect(r.ending).toBe("fin");
  });
});
