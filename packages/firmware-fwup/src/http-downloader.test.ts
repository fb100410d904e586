import { type AddressInfo, createServer } from "node:net";
import { createCa, createServerCert } from "@nerves-hub-ts/dev-pki";
import { startHub } from "@nerves-hub-ts/hub";
import { firmwareBytes, startTestHub, type TestHub } from "@nerves-hub-ts/hub/testing";
import { tcpNetworkProbe } from "@nerves-hub-ts/platform-node";
import type { ConnectionInfo, LogFields } from "@nerves-hub-ts/ports";
import { UpdateError } from "@nerves-hub-ts/update";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HttpDownloader, type HttpDownloaderOptions } from "./http-downloader.js";
import { startProxy } from "./test-support/proxy-server.js";
import { startRangeServer } from "./test-support/range-server.js";

const SIZE = 3 * 1024 * 1024 + 123;
const fw = firmwareBytes(SIZE);
let h: TestHub;
let uuid: string;

beforeAll(async () => {
  h = await startTestHub({ firmware: { bytes: fw, meta: { version: "1.0.0" } } });
  uuid = h.firmware?.uuid ?? "";
});
afterEach(() => h.hub.clearFaults());
afterAll(() => h.close());

const fast: HttpDownloaderOptions = { retryDelayMs: 1, maxRetryDelayMs: 5 };

async function collect(
  iterable: AsyncIterable<Uint8Array>,
): Promise<{ bytes: Uint8Array; chunks: Uint8Array[]; error?: unknown }> {
  const chunks: Uint8Array[] = [];
  try {
    for await (const c of iterable) chunks.push(c.slice());
  } catch (error) {
    return { bytes: Buffer.concat(chunks), chunks, error };
  }
  return { bytes: Buffer.concat(chunks), chunks };
}

function download(
  options: HttpDownloaderOptions = {},
  request: { offset?: number; end?: number; totalSize?: number } = {},
) {
  const connections: ConnectionInfo[] = [];
  const lines: { msg: string; fields?: LogFields }[] = [];
  const log = (msg: string, fields?: LogFields) => lines.push({ msg, fields });
  const d = new HttpDownloader({
    ...fast,
    logger: { debug: log, info: log, warn: log, error: log },
    ...options,
  });
  const url = h.hub.firmwareUrl(uuid);
  const result = collect(d.download({ url, ...request, onConnection: (c) => connections.push(c) }));
  return { result, connections, lines, url };
}

const term = (e: unknown) => (e instanceof UpdateError && e.failure.kind === "download" ? e.failure.term : e);

describe("HttpDownloader against the hub", () => {
  it("downloads the whole file with one connection and no Range header", async () => {
    const d = download({ networkProbe: tcpNetworkProbe() });
    const { bytes, error } = await d.result;
    expect(error).toBeUndefined();
    expect(Buffer.compare(bytes, fw)).toBe(0);
    expect(h.ranges().at(-1)).toBeNull();
    expect(d.connections).toEqual([
      { url: expect.stringMatching(/\/firmware\//), offset: 0, attempt: 0, networkInterface: "lo" },
    ]);
    expect(d.connections[0]?.url).not.toContain("?");
    expect(d.lines).toEqual([]);
  });

  it("reports no network interface without a probe, and none when the probe fails", async () => {
    const failing = { interfaceFor: () => Promise.reject(new Error("no interfaces")) };
    for (const options of [{}, { networkProbe: failing }]) {
      const d = download(options);
      expect((await d.result).error).toBeUndefined();
      expect(d.connections.map((c) => c.networkInterface)).toEqual([null]);
    }
  });

  it("resumes after a cut at exactly the next byte, and never logs the signed query", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { cutAfterBytes: 1_000_000, once: true });
    const before = h.ranges().length;
    const d = download();
    const { bytes, error } = await d.result;
    expect(error).toBeUndefined();
    expect(Buffer.compare(bytes, fw)).toBe(0);
    expect(h.ranges().slice(before)).toEqual([null, "bytes=1000000-"]);
    expect(d.connections.map((c) => [c.offset, c.attempt])).toEqual([
      [0, 0],
      [1_000_000, 1],
    ]);
    const query = new URL(d.url).search.slice(1);
    expect(query.length).toBeGreaterThan(10);
    expect(JSON.stringify(d.lines)).not.toContain(query);
    expect(d.lines.some((l) => l.msg.includes("interrupted"))).toBe(true);
  });

  it("retries a 5xx once and then succeeds", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { status5xxOnce: 503 });
    const d = download();
    const { bytes, error } = await d.result;
    expect(error).toBeUndefined();
    expect(bytes.length).toBe(SIZE);
    expect(d.connections).toHaveLength(2);
  });

  it("stops at once on a 404", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { status: 404 });
    const d = download();
    const { error } = await d.result;
    expect(term(error)).toEqual(["http_error", 404]);
    expect(d.connections).toHaveLength(1);
  });

  it("gives up after the bounded number of failures in a row", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { status: 502 });
    const d = download({ maxAttempts: 3 });
    const { error } = await d.result;
    expect(term(error)).toBe("max_disconnects_reached");
    expect(d.connections).toHaveLength(3);
  });

  it("refuses a 206 whose Content-Range is not the range asked for", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { wrongContentRange: true });
    const d = download({}, { offset: 1000 });
    const { bytes, error } = await d.result;
    expect(term(error)).toEqual(["bad_content_range", `bytes 1001-${SIZE}/${SIZE}`]);
    expect(bytes.length).toBe(0);
  });

  it("resumes correctly when the server ignores Range and sends the whole file", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { ignoreRange: true });
    const d = download({}, { offset: 2_000_000, end: 2_099_999 });
    const { bytes, chunks, error } = await d.result;
    expect(error).toBeUndefined();
    expect(Buffer.compare(bytes, fw.subarray(2_000_000, 2_100_000))).toBe(0);
    expect(chunks.filter((c) => c.length === 0)).toEqual([]);
    expect(d.lines).toEqual([
      {
        msg: "server ignored Range; skipping to the resume point",
        fields: { url: d.url.split("?")[0], offset: 2_000_000 },
      },
    ]);
  });

  it("fetches an inclusive range", async () => {
    const d = download({}, { offset: 10, end: 1_048_585 });
    const { bytes } = await d.result;
    expect(Buffer.compare(bytes, fw.subarray(10, 1_048_586))).toBe(0);
    expect(h.ranges().at(-1)).toBe("bytes=10-1048585");
  });

  it("refuses a file whose size is not the one the hub announced", async () => {
    const d = download({}, { totalSize: SIZE + 1 });
    const { error } = await d.result;
    expect(term(error)).toEqual(["unexpected_size", SIZE]);
  });

  it("gives up when the download is slower than its size allows", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { bytesPerSecond: 2_000_000 });
    // 3 MiB at a worst case of 100 Mbit/s allows ~250 ms; the throttled hub needs ~1.6 s.
    const d = download({ minTimeoutMs: 1, worstCaseBitsPerSecond: 100_000_000 });
    const { error } = await d.result;
    expect(term(error)).toBe("worst_case_download_speed_reached");
  });

  it("stops when aborted", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { bytesPerSecond: 1_000_000 });
    const abort = new AbortController();
    const d = new HttpDownloader(fast);
    const it = d.download({ url: h.hub.firmwareUrl(uuid), signal: abort.signal })[Symbol.asyncIterator]();
    await it.next();
    abort.abort(new Error("stopping"));
    await expect(
      (async () => {
        for (;;) if ((await it.next()).done) break;
      })(),
    ).rejects.toThrow("stopping");
  });
});

describe("HttpDownloader against a plain server", () => {
  const body = firmwareBytes(500_000, 7);

  it("handles a chunked body without Content-Length", async () => {
    const s = await startRangeServer(body, { chunked: true });
    const { bytes, error } = await collect(new HttpDownloader(fast).download({ url: s.url() }));
    expect(error).toBeUndefined();
    expect(Buffer.compare(bytes, body)).toBe(0);
    await s.close();
  });

  it("follows relative redirects, reports each connection, keeps the query, and limits the chain", async () => {
    const s = await startRangeServer(body);
    const connections: ConnectionInfo[] = [];
    const lines: { msg: string; fields?: LogFields }[] = [];
    const log = (msg: string, fields?: LogFields) => lines.push({ msg, fields });
    const { bytes } = await collect(
      new HttpDownloader({ ...fast, logger: { debug: log, info: log, warn: log, error: log } }).download({
        url: s.url("/redirect/3?sig=abc"),
        onConnection: (c) => connections.push(c),
      }),
    );
    expect(bytes.length).toBe(body.length);
    expect(s.paths).toEqual([
      "/redirect/3?sig=abc",
      "/redirect/2?sig=abc",
      "/redirect/1?sig=abc",
      "/file?sig=abc",
    ]);
    expect(connections.map((c) => c.attempt)).toEqual([0, 1, 2, 3]);
    expect(lines.map((l) => [l.msg, l.fields?.to])).toEqual(
      ["/redirect/2", "/redirect/1", "/file"].map((p) => ["firmware download redirected", s.url(p)]),
    );
    const { error } = await collect(
      new HttpDownloader({ ...fast, maxRedirects: 2 }).download({ url: s.url("/redirect/3") }),
    );
    expect(term(error)).toBe("too_many_redirects");
    await s.close();
  });

  it("drops a stalled connection after the idle timeout and resumes", async () => {
    const s = await startRangeServer(body, { stallAfter: 100_000 });
    const { bytes, error } = await collect(
      new HttpDownloader({ ...fast, idleTimeoutMs: 150 }).download({ url: s.url() }),
    );
    expect(error).toBeUndefined();
    expect(Buffer.compare(bytes, body)).toBe(0);
    expect(s.ranges).toEqual([undefined, "bytes=100000-"]);
    await s.close();
  });

  it("a deadline longer than a Node timer holds is clamped, not fired at once", async () => {
    // 500 kB at a worst case of 1 bit/s allows 4e9 ms, beyond the 2^31-1 ms a timer holds; the stall
    // keeps the download going long enough for an overflowed deadline to fire.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    const s = await startRangeServer(body, { stallAfter: 100_000 });
    const { bytes, error } = await collect(
      new HttpDownloader({ ...fast, idleTimeoutMs: 150, worstCaseBitsPerSecond: 1 }).download({
        url: s.url(),
      }),
    );
    process.off("warning", onWarning);
    expect(error).toBeUndefined();
    expect(Buffer.compare(bytes, body)).toBe(0);
    expect(warnings).not.toContain("TimeoutOverflowWarning");
    await s.close();
  });

  it("drops a connection that never answers and gives up after the bounded attempts", async () => {
    const silent = createServer(() => {}); // accepts, then says nothing
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const { port } = silent.address() as AddressInfo;
    const lines: string[] = [];
    const log = (msg: string, fields?: LogFields) => lines.push(`${msg} ${JSON.stringify(fields)}`);
    const { error } = await collect(
      new HttpDownloader({
        ...fast,
        idleTimeoutMs: 100,
        maxAttempts: 2,
        logger: { debug: log, info: log, warn: log, error: log },
      }).download({ url: `http://127.0.0.1:${port}/fw` }),
    );
    expect(term(error)).toBe("max_disconnects_reached");
    expect(lines.filter((l) => l.includes("no response within 100 ms"))).toHaveLength(2);
    silent.close();
  });

  it("refuses a 206 without Content-Range", async () => {
    const s = await startRangeServer(body, { omitContentRange: true });
    const { error } = await collect(new HttpDownloader(fast).download({ url: s.url(), offset: 5 }));
    expect(term(error)).toEqual(["bad_content_range", "missing"]);
    await s.close();
  });

  it.each([0, 1500])(
    "refuses a 206 to a resume from 1000 that starts at %i, however well-formed its Content-Range",
    async (from) => {
      const s = await startRangeServer(body, { answerFrom: from });
      const { bytes, error } = await collect(
        new HttpDownloader(fast).download({ url: s.url(), offset: 1000 }),
      );
      expect(term(error)).toEqual(["bad_content_range", `bytes ${from}-${body.length - 1}/${body.length}`]);
      expect(bytes.length).toBe(0);
      expect(s.ranges).toEqual(["bytes=1000-"]);
      await s.close();
    },
  );

  it("refuses a 206 that ends before the end of the file it was asked for", async () => {
    const s = await startRangeServer(body, { answerTo: 1999 });
    const { bytes, error } = await collect(new HttpDownloader(fast).download({ url: s.url(), offset: 1000 }));
    expect(term(error)).toEqual(["bad_content_range", `bytes 1000-1999/${body.length}`]);
    expect(bytes.length).toBe(0);
    await s.close();
  });

  it.each([
    ["the whole file", "whole-file"],
    ["one byte less", "one-short"],
  ] as const)(
    "refuses a 206 with the Content-Range asked for but a Content-Length of %s",
    async (_, body206) => {
      const s = await startRangeServer(body, { body206 });
      const { bytes, error } = await collect(
        new HttpDownloader(fast).download({ url: s.url(), offset: 1000 }),
      );
      expect(term(error)).toEqual(["bad_content_range", `bytes 1000-${body.length - 1}/${body.length}`]);
      expect(bytes.length).toBe(0);
      await s.close();
    },
  );

  it.each([408, 429, 500])("retries a %i and then downloads the file", async (status) => {
    const s = await startRangeServer(body, { firstStatus: status });
    const { bytes, error } = await collect(new HttpDownloader(fast).download({ url: s.url() }));
    expect(error).toBeUndefined();
    expect(Buffer.compare(bytes, body)).toBe(0);
    expect(s.ranges).toEqual([undefined, undefined]);
    await s.close();
  });

  it("stops at once on a success status that carries no file (204)", async () => {
    const s = await startRangeServer(body, { firstStatus: 204 });
    const { error } = await collect(new HttpDownloader(fast).download({ url: s.url() }));
    expect(term(error)).toEqual(["http_error", 204]);
    expect(s.ranges).toHaveLength(1);
    await s.close();
  });

  it("stops at once on a redirect without a Location", async () => {
    const s = await startRangeServer(body);
    const { error } = await collect(new HttpDownloader(fast).download({ url: s.url("/redirect-nowhere") }));
    expect(term(error)).toEqual(["http_error", 302]);
    expect(s.paths).toEqual(["/redirect-nowhere"]);
    await s.close();
  });

  it("refuses a URL that is neither http nor https", async () => {
    const { error } = await collect(new HttpDownloader(fast).download({ url: "ftp://127.0.0.1/fw" }));
    expect(term(error)).toEqual(["unsupported_scheme", "ftp:"]);
  });

  it.each([
    ["a 206", { offset: 1000 }, ["bytes=1000-", "bytes=101000-"]],
    ["a 200 of a known size", { totalSize: body.length }, [undefined, "bytes=100000-"]],
  ] as const)("resumes when %s ends cleanly before all its bytes", async (_, request, ranges) => {
    const s = await startRangeServer(body, { endFirstBodyAfter: 100_000 });
    const { bytes, error } = await collect(new HttpDownloader(fast).download({ url: s.url(), ...request }));
    expect(error).toBeUndefined();
    expect(Buffer.compare(bytes, body.subarray("offset" in request ? request.offset : 0))).toBe(0);
    expect(s.ranges).toEqual(ranges);
    await s.close();
  });

  it("sends its User-Agent, or the one it is given", async () => {
    const s = await startRangeServer(body);
    await collect(new HttpDownloader(fast).download({ url: s.url() }));
    await collect(new HttpDownloader({ ...fast, userAgent: "widget/1.0" }).download({ url: s.url() }));
    expect(s.userAgents).toEqual(["nerves-hub-ts", "widget/1.0"]);
    await s.close();
  });

  it.each([
    ["as the wait begins", (abort: () => void) => abort()],
    ["during the wait", (abort: () => void) => setTimeout(abort, 0)],
  ])("stops when aborted %s before a retry", async (_, when) => {
    const s = await startRangeServer(body, { firstStatus: 503 });
    const abort = new AbortController();
    const stop = () => abort.abort(new Error("stopping"));
    // The warning is logged just before the wait for the next attempt starts.
    const warn = () => when(stop);
    const log = () => {};
    const { error } = await collect(
      new HttpDownloader({
        retryDelayMs: 60_000,
        logger: { debug: log, info: log, warn, error: log },
      }).download({
        url: s.url(),
        signal: abort.signal,
      }),
    );
    expect((error as Error).message).toBe("stopping");
    expect(s.ranges).toHaveLength(1);
    await s.close();
  });

  it("downloads from an IPv6 literal URL", async (ctx) => {
    const s = await startRangeServer(body, {}, "::1").catch(() => undefined);
    if (!s) return ctx.skip("no IPv6 loopback on this machine");
    const { bytes, error } = await collect(new HttpDownloader(fast).download({ url: s.url(), offset: 10 }));
    expect(s.url()).toMatch(/^http:\/\/\[::1\]:\d+\/file$/);
    expect(error).toBeUndefined();
    expect(Buffer.compare(bytes, body.subarray(10))).toBe(0);
    await s.close();
  });

  it("goes through an HTTP proxy for http URLs (absolute form, proxy credentials)", async () => {
    const s = await startRangeServer(body);
    const proxy = await startProxy();
    const withAuth = proxy.url.replace("http://", "http://user:p%40ss@");
    const { bytes } = await collect(
      new HttpDownloader({ ...fast, proxy: withAuth }).download({ url: s.url() }),
    );
    expect(bytes.length).toBe(body.length);
    expect(proxy.log).toEqual([
      { line: `GET ${s.url()}`, auth: `Basic ${Buffer.from("user:p@ss").toString("base64")}` },
    ]);
    await proxy.close();
    await s.close();
  });
});

describe("HttpDownloader through a proxy that refuses the tunnel", () => {
  it("stops on a 4xx from the proxy, retries a 5xx", async () => {
    for (const [status, expected] of [
      [407, ["proxy_error", 407]],
      [403, ["proxy_error", 403]],
      [500, "max_disconnects_reached"],
    ] as const) {
      const proxy = await startProxy(status);
      const { error } = await collect(
        new HttpDownloader({ ...fast, maxAttempts: 2, proxy: proxy.url }).download({
          url: "https://firmware.example.invalid/fw",
        }),
      );
      expect(term(error)).toEqual(expected);
      expect(proxy.log).toHaveLength(typeof expected === "string" ? 2 : 1);
      await proxy.close();
    }
  });
});

describe("HttpDownloader over HTTPS", () => {
  it("checks the certificate of an IP-literal host reached through a proxy against that IP", async () => {
    const ca = await createCa({ commonName: "test ca" });
    const cert = await createServerCert(ca, { commonName: "127.0.0.1", altNames: ["127.0.0.1"] });
    const hub = await startHub({ tls: { certPem: cert.certPem, keyPem: cert.keyPem } });
    const proxy = await startProxy();
    try {
      const data = firmwareBytes(100_000, 4);
      const url = hub.firmwareUrl((await hub.addFirmware(data)).uuid);
      expect(new URL(url).hostname).toBe("127.0.0.1");
      // The proxy is named by host name: the tunnel's socket must not lend that name to the check.
      const named = proxy.url.replace("127.0.0.1", "localhost");
      const { bytes, error } = await collect(
        new HttpDownloader({ ...fast, maxAttempts: 1, tls: { ca: ca.certPem }, proxy: named }).download({
          url,
        }),
      );
      expect(error).toBeUndefined();
      expect(Buffer.compare(bytes, data)).toBe(0);
      expect(proxy.log.map((l) => l.line)).toEqual([`CONNECT ${new URL(url).host}`]);
    } finally {
      await proxy.close();
      await hub.close();
    }
  });

  it("downloads from a TLS hub directly and through a CONNECT proxy", async () => {
    const { hub, ca } = await startTestHub({ tls: true });
    const proxy = await startProxy();
    try {
      const data = firmwareBytes(200_000, 3);
      const { uuid: id } = await hub.addFirmware(data);
      const url = hub.firmwareUrl(id);
      expect(url.startsWith("https://")).toBe(true);
      const direct = await collect(
        new HttpDownloader({ ...fast, tls: { ca: ca.certPem }, proxy: null }).download({ url }),
      );
      expect(direct.error).toBeUndefined();
      expect(Buffer.compare(direct.bytes, data)).toBe(0);
      const tunnelled = await collect(
        new HttpDownloader({ ...fast, tls: { ca: ca.certPem }, proxy: proxy.url }).download({
          url,
          offset: 1000,
        }),
      );
      expect(tunnelled.error).toBeUndefined();
      expect(Buffer.compare(tunnelled.bytes, data.subarray(1000))).toBe(0);
      expect(proxy.log.map((l) => l.line)).toEqual([`CONNECT ${new URL(url).host}`]);
      const untrusted = await collect(
        new HttpDownloader({ ...fast, maxAttempts: 1, proxy: null }).download({ url }),
      );
      expect(term(untrusted.error)).toBe("max_disconnects_reached");
    } finally {
      await proxy.close();
      await hub.close();
    }
  });
});
