// A tiny HTTP server for downloader behaviours the hub does not offer: chunked bodies with no
// Content-Length, redirect chains, stalls, bodies that end early, a chosen first status, a 206 with a
// missing or misplaced Content-Range or with a Content-Length that contradicts it, an IPv6 address.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RangeServerBehaviour {
  /** Send bodies chunked, without Content-Length. */
  chunked?: boolean;
  /** Stop sending (keep the connection open) after this many body bytes, on the first request only. */
  stallAfter?: number;
  /** Answer 206 without Content-Range. */
  omitContentRange?: boolean;
  /** Answer a ranged request from this offset instead (a well-formed Content-Range, the wrong bytes). */
  answerFrom?: number;
  /** End a ranged answer at this byte instead (a well-formed Content-Range, fewer bytes than asked). */
  answerTo?: number;
  /**
   * Keep the Content-Range asked for but send another body, with a matching Content-Length: the whole
   * file from byte 0 (a cache that ignored Range but kept the header), or the range less its last byte.
   */
  body206?: "whole-file" | "one-short";
  /** Answer the first request for /file with this status and no body. */
  firstStatus?: number;
  /** End the first body cleanly (chunked, so no Content-Length gives it away) after this many bytes. */
  endFirstBodyAfter?: number;
}

export interface RangeServer {
  url(path?: string): string;
  /** Range header of every request, in order (undefined for none). */
  ranges: (string | undefined)[];
  /** Paths of every request, with query. */
  paths: string[];
  /** User-Agent of every request. */
  userAgents: (string | undefined)[];
  behaviour: RangeServerBehaviour;
  close(): Promise<void>;
}

/**
 * Serves `body` at /file; /redirect/<n> redirects n times (relative Locations) before /file,
 * keeping the query string; /redirect-nowhere redirects without a Location.
 */
export async function startRangeServer(
  body: Uint8Array,
  behaviour: RangeServerBehaviour = {},
  host = "127.0.0.1",
): Promise<RangeServer> {
  const ranges: (string | undefined)[] = [];
  const paths: string[] = [];
  const userAgents: (string | undefined)[] = [];
  let requests = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests += 1;
    const u = new URL(req.url ?? "/", "http://x");
    paths.push(`${u.pathname}${u.search}`);
    userAgents.push(req.headers["user-agent"]);
    if (u.pathname === "/redirect-nowhere") {
      res.writeHead(302).end();
      return;
    }
    const hop = /^\/redirect\/(\d+)$/.exec(u.pathname);
    if (hop) {
      const n = Number(hop[1]);
      res.writeHead(302, { location: `${n > 1 ? `./${n - 1}` : "../file"}${u.search}` }).end();
      return;
    }
    if (u.pathname !== "/file") {
      res.writeHead(404).end();
      return;
    }
    ranges.push(req.headers.range);
    const { firstStatus, endFirstBodyAfter } = server.behaviour;
    if (firstStatus !== undefined && ranges.length === 1) {
      res.writeHead(firstStatus).end();
      return;
    }
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    const start = m ? (server.behaviour.answerFrom ?? Number(m[1])) : 0;
    const end = m?.[2]
      ? Math.min(Number(m[2]), body.length - 1)
      : (server.behaviour.answerTo ?? body.length - 1);
    let slice = body.subarray(start, end + 1);
    if (m && server.behaviour.body206 === "whole-file") slice = body;
    if (m && server.behaviour.body206 === "one-short") slice = slice.subarray(0, -1);
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    const endEarly = endFirstBodyAfter !== undefined && ranges.length === 1;
    if (endEarly) slice = slice.subarray(0, endFirstBodyAfter);
    if (!server.behaviour.chunked && !endEarly) headers["content-length"] = String(slice.length);
    if (m && !server.behaviour.omitContentRange)
      headers["content-range"] = `bytes ${start}-${end}/${body.length}`;
    res.writeHead(m ? 206 : 200, headers);
    const stall = server.behaviour.stallAfter;
    if (stall !== undefined && requests === 1) {
      res.write(slice.subarray(0, stall)); // and never finish
      return;
    }
    res.end(slice);
  };
  const http: Server = createServer(handler);
  await new Promise<void>((resolve, reject) => http.listen(0, host, resolve).once("error", reject));
  const { port } = http.address() as AddressInfo;
  const server: RangeServer = {
    url: (path = "/file") => `http://${host.includes(":") ? `[${host}]` : host}:${port}${path}`,
    ranges,
    paths,
    userAgents,
    behaviour,
    close: () =>
      new Promise((r) => {
        http.closeAllConnections();
        http.close(() => r());
      }),
  };
  return server;
}
