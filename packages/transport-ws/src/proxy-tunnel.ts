// HTTP(S) proxy support: an http.Agent whose sockets are CONNECT tunnels through the proxy, with TLS
// to the hub started inside the tunnel (so SNI, client certificates and CA checks are end to end).
import { Agent, type ClientRequestArgs, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Duplex } from "node:stream";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { getProxyForUrl } from "proxy-from-env";
import { ProxyTunnelError } from "./connect-error.js";

/** The variables the decision reads; proxy-from-env takes the lower-case name first, then upper case. */
const PROXY_VARIABLES = ["http_proxy", "https_proxy", "all_proxy", "no_proxy"] as const;

/**
 * Picks the proxy for a hub URL: the explicit one, else what HTTP(S)_PROXY, ALL_PROXY and NO_PROXY say,
 * decided by proxy-from-env exactly as the firmware downloader decides it. A websocket is an upgraded
 * HTTP(S) request, so ws: goes by HTTP_PROXY and wss: by HTTPS_PROXY. Only HTTP(S) proxies can tunnel:
 * another kind (a SOCKS ALL_PROXY) is refused rather than silently bypassed.
 */
export function proxyFor(
  target: URL,
  explicit: string | undefined,
  env: Record<string, string | undefined>,
): URL | undefined {
  const raw = explicit || fromEnvironment(httpEquivalent(target), env);
  if (!raw) return undefined;
  const proxy = new URL(raw);
  if (proxy.protocol !== "http:" && proxy.protocol !== "https:")
    throw new ProxyTunnelError(`unsupported proxy scheme ${proxy.protocol} (HTTP CONNECT proxies only)`);
  return proxy;
}

function httpEquivalent(target: URL): string {
  const url = new URL(target.href);
  if (url.protocol === "wss:") url.protocol = "https:";
  else if (url.protocol === "ws:") url.protocol = "http:";
  return url.href;
}

/**
 * proxy-from-env reads process.env only, so the caller's environment stands in for it during the
 * (synchronous) call. A proxy named without a scheme is a plain HTTP proxy, as curl takes it.
 */
function fromEnvironment(target: string, env: Record<string, string | undefined>): string {
  const view: Record<string, string> = {};
  for (const name of PROXY_VARIABLES)
    for (const key of [name, name.toUpperCase()]) {
      const value = env[key];
      if (value) view[key] = name === "no_proxy" || value.includes("://") ? value : `http://${value}`;
    }
  const real = process.env;
  process.env = view;
  try {
    return getProxyForUrl(target);
  } finally {
    process.env = real;
  }
}

/** A proxy URL fit for logs (no credentials). */
export function loggableProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/** An Agent that opens each connection as a CONNECT tunnel through `proxy`. */
export class TunnelAgent extends Agent {
  constructor(
    private readonly proxy: URL,
    private readonly secure: boolean,
    private readonly tls: ConnectionOptions,
    private readonly timeoutMs: number,
  ) {
    super({ keepAlive: false });
    // https.request checks the agent's protocol against the URL's.
    (this as unknown as { protocol: string }).protocol = secure ? "https:" : "http:";
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const done = callback ?? (() => {});
    const host = String(options.hostname ?? options.host ?? "").replace(/^\[|\]$/g, "");
    const port = Number(options.port) || (this.secure ? 443 : 80);
    const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    const proxyAuth =
      this.proxy.username !== ""
        ? {
            "proxy-authorization": `Basic ${Buffer.from(
              `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`,
            ).toString("base64")}`,
          }
        : {};
    const connectRequest = (this.proxy.protocol === "https:" ? httpsRequest : httpRequest)({
      host: this.proxy.hostname.replace(/^\[|\]$/g, ""),
      port: Number(this.proxy.port) || (this.proxy.protocol === "https:" ? 443 : 80),
      method: "CONNECT",
      path: authority,
      headers: { host: authority, ...proxyAuth },
      agent: false,
      timeout: this.timeoutMs,
    });
    let finished = false;
    const fail = (error: ProxyTunnelError) => {
      if (finished) return;
      finished = true;
      connectRequest.destroy();
      done(error, undefined as unknown as Duplex);
    };
    connectRequest.once("timeout", () =>
      fail(new ProxyTunnelError("the proxy did not answer CONNECT in time")),
    );
    connectRequest.once("error", (e: NodeJS.ErrnoException) =>
      fail(new ProxyTunnelError(`cannot reach the proxy: ${e.message}`, e.code)),
    );
    connectRequest.once("connect", (response, socket, head) => {
      if (finished) return;
      if (response.statusCode !== 200) {
        socket.destroy();
        fail(new ProxyTunnelError(`the proxy refused CONNECT with HTTP ${response.statusCode}`));
        return;
      }
      finished = true;
      socket.setTimeout(0);
      if (head.length > 0) socket.unshift(head);
      if (!this.secure) {
        done(null, socket);
        return;
      }
      const servername = this.tls.servername ?? (isIp(host) ? undefined : host);
      // `host` drives the certificate name check (IP SANs included); SNI must not carry an IP.
      done(null, tlsConnect({ ...this.tls, socket, host, ...(servername ? { servername } : {}) }));
    });
    connectRequest.end();
    return undefined;
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}
