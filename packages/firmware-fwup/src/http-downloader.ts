// A streaming, resumable HTTP(S) downloader (the Downloader port). Compared with
// nerves_hub_link's (device-client.md §4.5, §11.12) it checks that a ranged answer is 206 with
// the Content-Range asked for, copes with a missing Content-Length, limits redirects, retries
// 5xx and network errors with backoff but stops on other 4xx, and never logs a URL's query.
import type { ConnectionOptions } from "node:tls";
import type { Downloader, DownloadRequest, Logger, NetworkProbe } from "@nerves-hub-ts/ports";
import { silentLogger, timerDelayMs } from "@nerves-hub-ts/ports";
import { Failure, type FailureTerm, UpdateError } from "@nerves-hub-ts/update";
import { parseContentRange, rangeHeader } from "./content-range.js";
import { type Http1Response, http1Get } from "./http1/client.js";
import { proxyAuthorization, proxyFor, tunnel } from "./proxy.js";
import { redactUrl } from "./redact.js";

export interface HttpDownloaderOptions {
  /** Failed connections in a row (no new bytes in between) before giving up. Default 10. */
  maxAttempts?: number;
  /** First delay before a retry; doubles each time up to `maxRetryDelayMs`. Default 1000 ms. */
  retryDelayMs?: number;
  /** Default 15000 ms (nerves_hub_link's `time_between_retries`). */
  maxRetryDelayMs?: number;
  /**
   * No answer or no data for this long while waiting for it: drop the connection and resume.
   * Default 60000 ms.
   */
  idleTimeoutMs?: number;
  /**
   * The whole download's time limit is max(minTimeoutMs, bytes × 8 / worstCaseBitsPerSecond), at most
   * 2^31-1 ms (about 24.8 days, the longest a timer holds).
   */
  minTimeoutMs?: number;
  /** Default 30000 bits/s, nerves_hub_link's `worst_case_download_speed` as its formula uses it. */
  worstCaseBitsPerSecond?: number;
  /** Default 10. */
  maxRedirects?: number;
  /** `http://[user:pass@]host:port`; undefined: HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY; null: never. */
  proxy?: string | null;
  /** Where the proxy variables are read from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** TLS settings for https URLs (e.g. `ca`). */
  tls?: ConnectionOptions;
  userAgent?: string;
  logger?: Logger;
  /** Names the interface each connection went out on (`started`'s network interface); without it, null. */
  networkProbe?: Pick<NetworkProbe, "interfaceFor">;
}

/** A failure worth another connection (network error, 5xx, idle, short body). */
class Retryable extends Error {}

/** The whole download's time limit; it drops whichever connection is current when it expires. */
interface Deadline {
  expired: boolean;
  timer: NodeJS.Timeout | undefined;
  res: Http1Response | undefined;
}

const RETRYABLE_4XX = new Set([408, 429]);

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

const fail = (term: FailureTerm) => new UpdateError(Failure.download(term));

export class HttpDownloader implements Downloader {
  readonly #o: Required<Omit<HttpDownloaderOptions, "proxy" | "env" | "tls" | "logger" | "networkProbe">>;
  readonly #proxy: string | null | undefined;
  readonly #env: Record<string, string | undefined>;
  readonly #tls: ConnectionOptions;
  readonly #log: Logger;
  readonly #probe: Pick<NetworkProbe, "interfaceFor"> | undefined;

  constructor(options: HttpDownloaderOptions = {}) {
    this.#o = {
      maxAttempts: options.maxAttempts ?? 10,
      retryDelayMs: options.retryDelayMs ?? 1000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 15_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      minTimeoutMs: options.minTimeoutMs ?? 300_000,
      worstCaseBitsPerSecond: options.worstCaseBitsPerSecond ?? 30_000,
      maxRedirects: options.maxRedirects ?? 10,
      userAgent: options.userAgent ?? "nerves-hub-ts",
    };
    this.#proxy = options.proxy;
    this.#probe = options.networkProbe;
    this.#env = options.env ?? process.env;
    this.#tls = options.tls ?? {};
    this.#log = options.logger ?? silentLogger;
  }

  async *download(req: DownloadRequest): AsyncGenerator<Uint8Array> {
    const end = req.end;
    let next = req.offset ?? 0;
    let url = new URL(req.url);
    let total = req.totalSize;
    let connection = 0;
    let failuresInARow = 0;
    let deadline: Deadline | undefined;
    const done = () => (end !== undefined ? next > end : total !== undefined && next >= total);
    try {
      while (!done()) {
        if (deadline?.expired) throw fail("worst_case_download_speed_reached");
        if (failuresInARow >= this.#o.maxAttempts) throw fail("max_disconnects_reached");
        if (failuresInARow > 0) {
          const delay = Math.min(this.#o.maxRetryDelayMs, this.#o.retryDelayMs * 2 ** (failuresInARow - 1));
          await sleep(delay, req.signal);
        }
        const before = next;
        let res: Http1Response | undefined;
        try {
          const opened = await this.#open(url, next, end, connection, req);
          connection = opened.connection;
          url = opened.url;
          res = opened.res;
          const plan = this.#check(res, next, end, total, url);
          if (plan.total !== undefined) {
            if (total !== undefined && plan.total !== total) throw fail(["unexpected_size", plan.total]);
            total = plan.total;
          }
          deadline ??= this.#armDeadline(next, end, total);
          deadline.res = res;
          let skip = plan.skip;
          let received = 0;
          for await (const chunk of this.#body(res, deadline)) {
            received += chunk.length;
            let bytes: Uint8Array = chunk;
            if (skip > 0) {
              const drop = Math.min(skip, bytes.length);
              skip -= drop;
              bytes = bytes.subarray(drop);
            }
            if (end !== undefined && next + bytes.length > end + 1) bytes = bytes.subarray(0, end + 1 - next);
            if (bytes.length > 0) {
              next += bytes.length;
              failuresInARow = 0;
              yield bytes;
            }
            if (done()) break;
          }
          if (done()) break;
          if (plan.length !== undefined && received < plan.length)
            throw new Retryable(`connection closed after ${received} of ${plan.length} bytes`);
          // Size unknown: the end of the body is the end of the file.
          if (total === undefined && end === undefined) break;
          throw new Retryable("the body ended before the bytes asked for");
        } catch (e) {
          if (req.signal?.aborted) throw req.signal.reason;
          if (deadline?.expired) throw fail("worst_case_download_speed_reached");
          if (!(e instanceof Retryable) && e instanceof UpdateError) throw e;
          failuresInARow = next > before ? 1 : failuresInARow + 1;
          this.#log.warn("firmware download interrupted; will resume", {
            url: redactUrl(url),
            offset: next,
            failures: failuresInARow,
            error: (e as Error).message,
          });
        } finally {
          res?.destroy();
        }
      }
    } finally {
      clearTimeout(deadline?.timer);
    }
  }

  /** Opens a connection (following redirects), each one reported through onConnection. */
  async #open(
    start: URL,
    next: number,
    end: number | undefined,
    connection: number,
    req: DownloadRequest,
  ): Promise<{ res: Http1Response; url: URL; connection: number }> {
    let url = start;
    for (let hop = 0; ; hop++) {
      const res = await this.#get(url, next, end, connection, req.signal);
      req.onConnection?.({
        url: redactUrl(url),
        offset: next,
        attempt: connection,
        networkInterface: await this.#interfaceFor(res.localAddress),
      });
      connection += 1;
      const status = res.status;
      if (status < 300 || status >= 400) return { res, url, connection };
      res.destroy();
      const location = res.headers.location;
      if (!location) throw fail(["http_error", status]);
      if (hop >= this.#o.maxRedirects) throw fail("too_many_redirects");
      url = new URL(location, url);
      this.#log.info("firmware download redirected", { to: redactUrl(url) });
    }
  }

  async #interfaceFor(localAddress: string | undefined): Promise<string | null> {
    if (!localAddress || !this.#probe) return null;
    return (await this.#probe.interfaceFor(localAddress).catch(() => undefined)) ?? null;
  }

  async #get(
    url: URL,
    next: number,
    end: number | undefined,
    attempt: number,
    signal?: AbortSignal,
  ): Promise<Http1Response> {
    const range = rangeHeader(next, end);
    const headers: Record<string, string> = {
      "user-agent": this.#o.userAgent,
      "x-retry-number": String(attempt),
      ...(range ? { range } : {}),
    };
    const https = url.protocol === "https:";
    if (!https && url.protocol !== "http:") throw fail(["unsupported_scheme", url.protocol]);
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = Number(url.port) || (https ? 443 : 80);
    const origin = {
      target: `${url.pathname}${url.search}`,
      authority: url.host,
      headers,
      headTimeoutMs: this.#o.idleTimeoutMs,
      ...(signal ? { signal } : {}),
    };
    try {
      const proxy = proxyFor(url, this.#proxy, this.#env);
      if (!proxy) return await http1Get({ ...origin, host, port, ...(https ? { tls: this.#tls } : {}) });
      const proxyPort = Number(proxy.port) || 80;
      if (!https) {
        const auth = proxyAuthorization(proxy);
        return await http1Get({
          ...origin,
          host: proxy.hostname,
          port: proxyPort,
          target: url.href,
          headers: { ...headers, ...(auth ? { "proxy-authorization": auth } : {}) },
        });
      }
      return await http1Get({
        ...origin,
        host,
        port,
        connect: () =>
          tunnel(proxy, url, this.#tls, signal).catch((e: Error & { proxyStatus?: number }) => {
            throw e.proxyStatus && e.proxyStatus < 500 ? fail(["proxy_error", e.proxyStatus]) : e;
          }),
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw e instanceof UpdateError ? e : new Retryable((e as Error).message);
    }
  }

  /** Decides whether an answer can be used, and how: bytes to skip, expected length, file size. */
  #check(
    res: Http1Response,
    next: number,
    end: number | undefined,
    total: number | undefined,
    url: URL,
  ): { skip: number; length: number | undefined; total: number | undefined } {
    const status = res.status;
    const lengthHeader = res.headers["content-length"];
    const length = lengthHeader === undefined ? undefined : Number(lengthHeader);
    if (status >= 500 || RETRYABLE_4XX.has(status)) throw new Retryable(`HTTP ${status}`);
    if (status >= 400) throw fail(["http_error", status]);
    if (status === 200) {
      // The server ignored our Range (or none was sent): the body is the whole file.
      if (next > 0)
        this.#log.warn("server ignored Range; skipping to the resume point", {
          url: redactUrl(url),
          offset: next,
        });
      return { skip: next, length, total: length ?? total };
    }
    if (status !== 206) throw fail(["http_error", status]);
    const header = res.headers["content-range"];
    const cr = parseContentRange(header);
    const knownTotal = cr?.total ?? total;
    const wantLast = end ?? (knownTotal !== undefined ? knownTotal - 1 : undefined);
    if (
      !cr ||
      cr.first !== next ||
      (wantLast !== undefined &&
        cr.last !== Math.min(wantLast, (knownTotal ?? Number.POSITIVE_INFINITY) - 1)) ||
      (length !== undefined && length !== cr.last - cr.first + 1)
    )
      throw fail(["bad_content_range", header ?? "missing"]);
    return { skip: 0, length: cr.last - cr.first + 1, total: cr.total ?? total };
  }

  #armDeadline(next: number, end: number | undefined, total: number | undefined): Deadline {
    const remaining = (end !== undefined ? end + 1 : (total ?? next)) - next;
    // Beyond ~8 GB at the default worst case the limit outgrows a Node timer: it is clamped.
    const ms = timerDelayMs(
      Math.max(this.#o.minTimeoutMs, Math.round(((remaining * 8) / this.#o.worstCaseBitsPerSecond) * 1000)),
    );
    const deadline: Deadline = { expired: false, timer: undefined, res: undefined };
    deadline.timer = setTimeout(() => {
      deadline.expired = true;
      deadline.res?.destroy(new Error("download took longer than its size allows"));
    }, ms);
    return deadline;
  }

  /** The response body, chunk by chunk; a stall while we wait for data drops the connection. */
  async *#body(res: Http1Response, deadline: { expired: boolean }): AsyncGenerator<Uint8Array> {
    let waiting = false;
    const idle = setTimeout(() => {
      if (waiting) res.destroy(new Retryable(`no data for ${this.#o.idleTimeoutMs} ms`));
      else idle.refresh();
    }, this.#o.idleTimeoutMs);
    try {
      yield* res.body((w) => {
        waiting = w;
        if (w) idle.refresh();
      });
      if (deadline.expired) throw new Error("deadline");
    } catch (e) {
      throw e instanceof Retryable || deadline.expired ? e : new Retryable((e as Error).message);
    } finally {
      clearTimeout(idle);
    }
  }
}
