// HTTP proxy support for firmware downloads: plain-HTTP targets go to the proxy in absolute
// form; HTTPS targets go through a CONNECT tunnel, with TLS to the real host inside it.
import { request as httpRequest } from "node:http";
import { isIP, type Socket } from "node:net";
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from "node:tls";

/** The proxy for `target` from an explicit setting or HTTPS_PROXY/HTTP_PROXY (honouring NO_PROXY). */
export function proxyFor(target: URL, explicit: string | null | undefined, env = process.env): URL | null {
  if (explicit === null) return null;
  const raw =
    explicit ??
    (target.protocol === "https:"
      ? (env.HTTPS_PROXY ?? env.https_proxy)
      : (env.HTTP_PROXY ?? env.http_proxy));
  if (!raw) return null;
  if (explicit === undefined && bypassed(target.hostname, env.NO_PROXY ?? env.no_proxy)) return null;
  return new URL(raw);
}

function bypassed(host: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  return noProxy
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .some(
      (rule) =>
        rule === "*" ||
        host === rule.replace(/^\./, "") ||
        host.endsWith(rule.startsWith(".") ? rule : `.${rule}`),
    );
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
      // SNI carries host names only (RFC 6066), never an IP literal.
      const servername = tls.servername ?? (isIP(target.hostname) ? undefined : target.hostname);
      const secure = tlsConnect({ ...tls, socket, ...(servername ? { servername } : {}) });
      secure.once("secureConnect", () => resolve(secure));
      secure.once("error", reject);
    });
    req.once("error", reject);
    req.end();
  });
}
