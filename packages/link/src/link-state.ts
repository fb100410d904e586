import type { CloseInfo, ConnectError } from "@nerves-hub-ts/ports";

/** Where the link is in its connect / join / back-off cycle. */
export type LinkStatus =
  | "idle"
  | "waiting-for-network"
  | "connecting"
  | "connected"
  | "joined"
  | "backing-off"
  | "stopped";

/** What kind of trouble the last failure was, for users and dashboards. */
export type LinkErrorKind =
  | "dns"
  | "tcp"
  | "tls"
  | "http"
  | "auth"
  | "clock"
  | "proxy"
  | "timeout"
  | "closed"
  | "heartbeat"
  | "identity"
  | "join";

/** The last failure, classified. Never carries secrets. */
export interface LinkError {
  kind: LinkErrorKind;
  message: string;
  /** HTTP status of a refused upgrade. */
  status?: number;
  /** System / OpenSSL error code or websocket close code. */
  code?: string;
  /** Device clock time it happened (ms). */
  at: number;
}

/** A snapshot of the link, for apps and status pages. */
export interface LinkState {
  status: LinkStatus;
  /** Consecutive failed attempts; resets once a connection stays joined long enough. */
  attempts: number;
  lastError?: LinkError;
  /** When the next connection attempt is due (device clock, ms). */
  nextAttemptAt?: number;
  /** When the current websocket opened (device clock, ms). */
  connectedSince?: number;
  /** The URL in use, without its query. */
  url?: string;
  /** Which topics are joined right now. */
  topics: { device: boolean; console: boolean; extensions: boolean };
}

/** What subscribers see. */
export type LinkEvent =
  | { type: "state"; state: LinkState }
  | { type: "error"; error: LinkError }
  /** Every server message on a joined topic (console messages are how a console adapter plugs in). */
  | { type: "message"; topic: string; event: string; payload: unknown }
  /** The hub's `Date` differs from the device clock by more than 30 s. Positive: device is ahead. */
  | { type: "clock-skew"; skewMs: number }
  /** The hub answered a heartbeat after `rttMs` (from transports that measure it, like transport-ws). */
  | { type: "heartbeat"; rttMs: number };

const TLS_CLOCK_CODES = new Set(["CERT_NOT_YET_VALID"]);

/** Turns a refused or failed connect into a LinkError. */
export function classifyConnectError(e: ConnectError, at: number): LinkError {
  const { status, code, reason } = e.details;
  const base = { status, code, at };
  if (e.kind === "http" && status === 401) {
    const why = reason ? `: ${reason}` : "";
    return { ...base, kind: "auth", message: `hub refused the device's credentials (HTTP 401)${why}` };
  }
  if (e.kind === "tls" && code && TLS_CLOCK_CODES.has(code)) {
    return { ...base, kind: "clock", message: `${e.message} (the device clock may be behind)` };
  }
  return { ...base, kind: e.kind, message: e.message };
}

/** Turns the end of an open connection into a LinkError. */
export function classifyClose(info: CloseInfo, at: number): LinkError {
  const code = info.code === undefined ? undefined : String(info.code);
  if (info.kind === "heartbeat") {
    return {
      kind: "heartbeat",
      message: "no heartbeat reply from the hub; connection presumed dead",
      code,
      at,
    };
  }
  const detail = info.reason ? `: ${info.reason}` : "";
  return { kind: "closed", message: `connection closed${code ? ` (code ${code})` : ""}${detail}`, code, at };
}
