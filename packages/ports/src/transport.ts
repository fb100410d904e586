import type { TlsCredentials } from "./identity.js";

/** TLS options for one connection: the Identity's credentials plus the `ssl` config overrides. */
export interface TlsOptions extends TlsCredentials {
  /** Verify the server certificate (default true; only a development hub should turn this off). */
  rejectUnauthorized?: boolean;
  minVersion?: "TLSv1.2" | "TLSv1.3";
  maxVersion?: "TLSv1.2" | "TLSv1.3";
}

/** Everything a transport needs to open one websocket to the hub. */
export interface ConnectRequest {
  /** The complete websocket URL, path and `vsn` query included. May carry secrets: never log it whole. */
  url: string;
  /** `json` speaks `vsn=2.0.0` text frames, `msgpack` speaks `vsn=3.0.0` binary frames. */
  serializer: "json" | "msgpack";
  /** Extra upgrade headers (shared-secret auth puts its `x-nh-*` headers here). Secret: never log. */
  headers: Record<string, string>;
  /** Applied for `wss:` URLs. */
  tls?: TlsOptions;
  /** Phoenix heartbeat period; a heartbeat unanswered for one period closes the connection. 0 disables. */
  heartbeatIntervalMs: number;
  /** Offer permessage-deflate. */
  compress: boolean;
  /** An HTTP(S) proxy URL to tunnel through with CONNECT; undefined lets the adapter decide (env). */
  proxy?: string;
  /** Give up on the opening handshake after this long. */
  connectTimeoutMs: number;
}

/** Why a connection could not be opened. `http` carries the upgrade response's status and headers. */
export type ConnectErrorKind = "dns" | "tcp" | "tls" | "http" | "proxy" | "timeout" | "closed";

/** A refused or failed connection attempt, classified so the link can react and users can see why. */
export class ConnectError extends Error {
  override readonly name = "ConnectError";
  constructor(
    readonly kind: ConnectErrorKind,
    message: string,
    readonly details: {
      /** HTTP status of a refused upgrade. */
      status?: number;
      /** The refused upgrade's `date` header (a clock hint for shared-secret signing). */
      date?: string;
      /** The `location` header of a 3xx answer. */
      location?: string;
      /** The server's `nh-connection-error-reason` header, when it sent one. */
      reason?: string;
      /** The system or OpenSSL error code, e.g. `ECONNREFUSED` or `CERT_HAS_EXPIRED`. */
      code?: string;
    } = {},
  ) {
    super(message);
  }
}

/** Why a topic join failed: the server answered `error`, no answer came, or the connection went away. */
export class JoinError extends Error {
  override readonly name = "JoinError";
  constructor(
    readonly kind: "refused" | "timeout" | "closed",
    message: string,
    /** The `response` of an `error` join reply. */
    readonly response?: unknown,
  ) {
    super(message);
  }
}

/** How an open connection ended. */
export interface CloseInfo {
  /** `heartbeat`: no heartbeat reply within one interval; `remote`: the server or network closed it. */
  kind: "remote" | "heartbeat" | "error" | "local";
  /** The websocket close code, when there was one. */
  code?: number;
  reason: string;
}

/** What a joined topic delivers to its owner. */
export interface TopicHandlers {
  /** Every server message on the topic except replies, `phx_error` and `phx_close`. */
  onMessage(event: string, payload: unknown): void;
  /** The server crashed the channel (`phx_error`); the topic must be joined again. */
  onError(reason: unknown): void;
  /** The server left the channel (`phx_close`); no rejoin. */
  onClose(): void;
}

/** The server's `phx_reply` to a push: `{"status":"error","response":"detach"}`, for instance. */
export interface PushReply {
  status: string;
  response: unknown;
}

/** A topic joined (or being joined) on one connection. */
export interface Channel {
  readonly topic: string;
  /** Resolves with the `ok` join reply's response; rejects with a JoinError. */
  readonly joined: Promise<unknown>;
  /**
   * Sends an event; false (and dropped) unless the join succeeded and the channel is still usable.
   * `onReply` hears the server's reply to this push, if one comes while the channel lasts (the hub
   * replies to few pushes; nothing is called when it does not).
   */
  push(event: string, payload: unknown, onReply?: (reply: PushReply) => void): boolean;
  /**
   * Leaves the topic (`phx_leave` when it is joined); no more messages are delivered. Resolves once
   * the server acknowledges (its `ok` reply or `phx_close`) or the connection ends; never rejects.
   * The caller bounds the wait.
   */
  leave(): Promise<void>;
}

/** One open websocket with the Phoenix protocol on top. */
export interface Connection {
  /** The local IP of the underlying socket (to name the network interface), when known. */
  readonly localAddress?: string;
  /** Joins `topic`; handlers may fire as soon as the server's `ok` reply arrives. */
  join(topic: string, params: unknown, handlers: TopicHandlers): Channel;
  /** Called once when the connection ends for any reason other than `close()`. */
  onClose(listener: (info: CloseInfo) => void): void;
  /** Optional: calls `listener` with the round trip (ms) of every heartbeat the hub answers. */
  onHeartbeat?(listener: (rttMs: number) => void): void;
  /** Closes the connection normally (websocket close code 1000); no close listener is called for it. */
  close(): void;
}

/** Port: opens Phoenix websocket connections to the hub; rejects with a ConnectError. */
export interface Transport {
  connect(request: ConnectRequest): Promise<Connection>;
}
