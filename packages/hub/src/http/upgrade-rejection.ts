// How the real server refuses a device-socket upgrade (hub-server.md §1.6), written on the raw socket.
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

export const NO_AUTH_REASON = "no certificate pair or shared secrets connection settings were provided";
export const PLATFORM_UNAVAILABLE_REASON = "the platform could not be reached to authenticate this device";

export interface Rejection {
  status: number;
  /** Sent both as the `nh-connection-error-reason` header and as the body. */
  reason?: string;
  headers?: Record<string, string>;
}

export const rejections = {
  badVsn: { status: 403 },
  notGet: { status: 400 },
  noAuth: { status: 401, reason: NO_AUTH_REASON },
  invalidAuth: { status: 401 },
  platformUnavailable: { status: 503, reason: PLATFORM_UNAVAILABLE_REASON },
} as const satisfies Record<string, Rejection>;

export function writeRejection(socket: Duplex, rejection: Rejection, nowMs: number): void {
  const body = rejection.reason ?? "";
  const headers: Record<string, string> = {
    date: new Date(nowMs).toUTCString(),
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "max-age=0, private, must-revalidate",
    connection: "close",
    ...(rejection.reason
      ? { "nh-connection-error-reason": rejection.reason, "content-type": "text/plain" }
      : {}),
    ...rejection.headers,
  };
  const head = [`HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status] ?? ""}`];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
}
