// HTTP(S) proxy support: an http.Agent whose sockets are CONNECT tunnels through the proxy, with TLS
// to the hub started inside the tunnel (so SNI, client certificates and CA checks are end to end).
import { Agent, type ClientRequestArgs, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Duplex } from "node:stream";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { ProxyTunnelError } from "./connect-error.js";

/** Picks the proxy for a hub URL: the explicit one, else HTTPS_PROXY / HTTP_PROXY unless NO_PROXY matches. */
export function proxyFor(
  target: URL,
  explicit: string | undefined,
  env: Record<string, string | undefined>,
): URL | undefined {
  if (explicit) return new URL(explicit);
  const secure = target.protocol === "wss:";
  const fromEnv = secure ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!fromEnv || bypassed(target, env.NO_PROXY ?? env.no_proxy)) return undefined;
  return new URL(fromEnv.includes("://") ? fromEnv : `http://${fromEnv}`);
}

function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = target.port;
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === "*") return true;
      const [name = "", entryPort] = entry
        .toLowerCase()
        .replace(/^\*/, "")
        .split(/:(?=\d+$)/);
      if (entryPort && entryPort !== port) return false;
      const bare = name.replace(/^\./, "");
      return host === bare || host.endsWith(`.${bare}`);
    });
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
