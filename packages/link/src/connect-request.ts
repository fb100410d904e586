// What the transport gets for one attempt: the socket URL for these credentials and the
// configured headers, TLS, heartbeat, compression, proxy and timeout.

import type { ConnectRequest, Credentials, Identity, TlsOptions } from "@nerves-hub-ts/ports";
import { timerDelayMs } from "@nerves-hub-ts/ports";
import type { ResolvedLinkConfig } from "./config.js";
import { socketUrl } from "./socket-url.js";

/** The transport request for an attempt at `target` with freshly made `credentials`. */
export function connectRequest(
  config: ResolvedLinkConfig,
  target: { url: URL; redirected: boolean },
  auth: Identity["kind"],
  credentials: Credentials,
): ConnectRequest {
  // A redirect target keeps its path; so does an explicit socket.url under certificate auth.
  const keepPath = target.redirected || (config.socket.url !== undefined && auth !== "shared-secret");
  return {
    url: socketUrl(target.url, credentials, config.serializer, keepPath),
    serializer: config.serializer,
    headers: { ...config.socket.headers, ...credentials.headers },
    tls: tlsOptions(config, credentials.tls),
    heartbeatIntervalMs: timerDelayMs(config.heartbeatIntervalMs),
    compress: config.compress,
    proxy: config.proxy,
    connectTimeoutMs: timerDelayMs(config.connectTimeoutMs),
  };
}

/** The Identity's TLS material, overridden by the configured `ssl` options and `sni`. */
function tlsOptions(config: ResolvedLinkConfig, fromIdentity: TlsOptions | undefined): TlsOptions {
  const tls: TlsOptions = { ...fromIdentity, ...config.ssl };
  if (config.sni !== undefined) tls.servername = config.sni;
  return tls;
}
