// HTTP proxy support for firmware downloads: plain-HTTP targets go to the proxy in absolute
// form; HTTPS targets go through a CONNECT tunnel, with TLS to the real host inside it.
import { request as httpRequest } from "node:http";
import { isIP, type Socket } from "node:net";
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from "node:tls";
import { Failure, UpdateError } from "@nerves-hub-ts/update";
import { getProxyForUrl } from "proxy-from-env";

/** The variables the decision reads; proxy-from-env takes the lower-case name first, then upper case. */
const PROXY_VARIABLES = ["http_proxy", "https_proxy", "all_proxy", "no_proxy"] as const;

/**
 * The proxy for `target`: the explicit one (null: none), else what HTTP(S)_PROXY, ALL_PROXY and NO_PROXY
 * say, decided by proxy-from-env exactly as the websocket transport decides it. Downloads speak plain
 * HTTP to the proxy, so any other kind (an https: proxy, a SOCKS ALL_PROXY) is refused rather than
 * bypassed or sent its credentials in clear.
 */
export function proxyFor(
  target: URL,
  explicit: string | null | undefined,
  env: Record<string, string | undefined>,
): URL | null {
  if (explicit === null) return null;
  const raw = explicit ?? fromEnvironment(target.href, env);
  if (!raw) return null;
  const proxy = new URL(raw);
  if (proxy.protocol !== "http:")
    throw new UpdateError(Failure.download(["unsupported_proxy_scheme", proxy.protocol]));
  return proxy;
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

export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username) return undefined;
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(creds).toString("base64")}`;
}

/** Opens a CONNECT tunnel through `proxy` to `target` and starts TLS to the target inside it. */
export function tunnel(
  proxy: URL,
  target: URL,
  tls: ConnectionOptions,
  signal: AbortSignal | undefined,
): Promise<TLSSocket> {
  const authority = `${target.hostname}:${target.port || 443}`;
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
  return new Promise((resolve, reject) => {
    const auth = proxyAuthorization(proxy);
    const req = httpRequest({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: "CONNECT",
      path: authority,
      headers: { host: authority, ...(auth ? { "proxy-authorization": auth } : {}) },
      signal,
    });
    req.once("connect", (res, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(
          Object.assign(new Error(`proxy refused CONNECT: ${res.statusCode}`), {
            proxyStatus: res.statusCode,
          }),
        );
        return;
      }
      // `host` drives the certificate check (else it would be the proxy's name); SNI carries host
      // names only (RFC 6066), never an IP literal.
      const servername = tls.servername ?? (isIP(host) ? undefined : host);
      const secure = tlsConnect({ ...tls, socket, host, ...(servername ? { servername } : {}) });
      secure.once("secureConnect", () => resolve(secure));
      secure.once("error", reject);
    });
    req.once("error", reject);
    req.end();
  });
}
