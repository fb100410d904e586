// Turns what Node, OpenSSL and ws report into the link's ConnectError kinds, with messages a
// person can act on.
import { ConnectError } from "@nerves-hub-ts/ports";

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"]);
const TCP_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
  "EADDRNOTAVAIL",
]);
// Certificate verification failures Node reports without an ERR_SSL_/ERR_TLS_ prefix.
const TLS_VERIFY_HINTS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "the hub's certificate is not signed by a trusted CA (check the CA certificates)",
  UNABLE_TO_GET_ISSUER_CERT:
    "the hub's certificate is not signed by a trusted CA (check the CA certificates)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "the hub's certificate is not signed by a trusted CA (check the CA certificates)",
  SELF_SIGNED_CERT_IN_CHAIN:
    "the hub's certificate chain ends in an untrusted CA (check the CA certificates)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the hub's certificate is self-signed and not trusted",
  CERT_HAS_EXPIRED: "the hub's certificate has expired (or the device clock is ahead)",
  CERT_NOT_YET_VALID: "the hub's certificate is not yet valid (or the device clock is behind)",
  CERT_SIGNATURE_FAILURE: "the hub's certificate signature does not verify",
  ERR_TLS_CERT_ALTNAME_INVALID: "the hub's certificate does not name this host (check host or sni)",
};

/** A failure from the proxy leg of a CONNECT tunnel. */
export class ProxyTunnelError extends Error {
  override readonly name = "ProxyTunnelError";
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Classifies an error ws emitted before the websocket opened. */
export function classifyConnectFailure(error: unknown): ConnectError {
  const e = error as NodeJS.ErrnoException & { reason?: string };
  const code = typeof e?.code === "string" ? e.code : undefined;
  const message = e instanceof Error ? e.message : String(error);
  if (error instanceof ProxyTunnelError) return new ConnectError("proxy", message, { code: error.code });
  if (code && DNS_CODES.has(code)) {
    return new ConnectError("dns", `cannot resolve the hub's host name: ${message}`, { code });
  }
  if (code && TLS_VERIFY_HINTS[code]) {
    return new ConnectError("tls", `TLS: ${TLS_VERIFY_HINTS[code]} (${code})`, { code });
  }
  if (code && (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || code.startsWith("ERR_OSSL_"))) {
    return new ConnectError("tls", `TLS: ${tlsAlertHint(code) ?? message} (${code})`, { code });
  }
  if (code && TCP_CODES.has(code)) {
    return new ConnectError("tcp", `cannot reach the hub: ${message}`, { code });
  }
  if (/handshake has timed out/i.test(message)) {
    return new ConnectError("timeout", "the hub did not complete the websocket handshake in time");
  }
  return new ConnectError("closed", `connection failed: ${message}`, code ? { code } : {});
}

// The server's TLS alerts, as OpenSSL names them, rephrased for the device owner.
function tlsAlertHint(code: string): string | undefined {
  if (/CERTIFICATE_REQUIRED/.test(code)) return "the hub requires a client certificate and none was sent";
  if (/ALERT_UNKNOWN_CA/.test(code)) return "the hub does not trust the device certificate's issuer";
  if (/ALERT_CERTIFICATE_EXPIRED/.test(code)) return "the hub refused the device certificate as expired";
  if (/ALERT_BAD_CERTIFICATE|ALERT_CERTIFICATE_UNKNOWN/.test(code))
    return "the hub refused the device certificate";
  if (/KEY_VALUES_MISMATCH/.test(code)) return "the private key does not match the device certificate";
  return undefined;
}

/** A refused upgrade: the status plus the headers the link reacts to (no body, no other headers). */
export function httpRefusal(
  status: number,
  headers: Record<string, string | string[] | undefined>,
): ConnectError {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const reason = one("nh-connection-error-reason");
  const what =
    status >= 300 && status < 400
      ? "the hub redirected the connection"
      : status === 401
        ? "the hub refused the device's credentials"
        : status === 403
          ? "the hub refused the websocket (unsupported vsn or origin)"
          : status === 503
            ? "the hub could not authenticate the device right now"
            : "the hub refused the websocket upgrade";
  return new ConnectError("http", `${what} (HTTP ${status})${reason ? `: ${reason}` : ""}`, {
    status,
    date: one("date"),
    location: one("location"),
    reason,
  });
}
