// The Transport adapter: a fresh phoenix Socket per attempt, over a `ws` WebSocket that carries the
// upgrade headers, TLS material, permessage-deflate and an optional CONNECT tunnel. Phoenix's own
// reconnect is neutralised (the link owns reconnecting); its heartbeat is kept and timed.
// A simulator holds thousands of these, so a connection costs as little as possible: the classes and
// event listeners below exist once (per-connection state lives in fields, not closures), codecs are
// made once per transport and equal TLS material shares one SecureContext.
import type { IncomingMessage } from "node:http";
import type { ConnectionOptions } from "node:tls";
import {
  type CloseInfo,
  ConnectError,
  type Connection,
  type ConnectRequest,
  type Logger,
  silentLogger,
  type Transport,
} from "@nerves-hub-ts/ports";
import type { WireData } from "@nerves-hub-ts/protocol";
import { Socket, type SocketConnectOption } from "phoenix";
import WebSocket, { type ClientOptions } from "ws";
import { classifyConnectFailure, httpRefusal } from "./connect-error.js";
import { type FrameCodec, frameCodec, type PhoenixMessage, RateLimitedLog } from "./frame-codec.js";
import { PhoenixConnection } from "./phoenix-connection.js";
import { loggableProxy, proxyFor, TunnelAgent } from "./proxy-tunnel.js";
import { sharedSecureContext } from "./secure-context-cache.js";

/** Phoenix's reconnect timer is set to the longest delay Node allows; the link closes before it fires. */
const NEVER_MS = 2 ** 31 - 1;
const never = () => NEVER_MS;
/** After a local close, stop waiting for the server's close frame after this long. */
const CLOSE_GRACE_MS = 1_000;
/** The websocket close code of a local close (RFC 6455 normal closure). */
const NORMAL_CLOSURE = 1000;

export interface WsTransportOptions {
  logger?: Logger;
  /** How long a topic join may wait for its reply (phoenix's default push timeout). */
  joinTimeoutMs?: number;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** What every connection of one transport shares. */
interface TransportContext {
  log: Logger;
  joinTimeoutMs: number;
  env: Record<string, string | undefined>;
  codec(kind: ConnectRequest["serializer"]): FrameCodec;
}

/** The Transport over phoenix + ws, for Node. */
export function wsTransport(options: WsTransportOptions = {}): Transport {
  const log = options.logger ?? silentLogger;
  const frameLog = new RateLimitedLog(log);
  const codecs = new Map<ConnectRequest["serializer"], FrameCodec>();
  const ctx: TransportContext = {
    log,
    joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
    env: options.env ?? process.env,
    codec(kind) {
      let codec = codecs.get(kind);
      if (!codec) {
        codec = frameCodec(kind, frameLog);
        codecs.set(kind, codec);
      }
      return codec;
    },
  };
  return {
    connect: (request) => new Promise<Connection>((resolve, reject) => open(request, ctx, resolve, reject)),
  };
}

/**
 * The attempt whose websocket phoenix constructs next. Phoenix builds its transport with only a URL,
 * synchronously inside `socket.connect()`, so `open` parks the attempt here for that one call.
 */
let constructing: Attempt | undefined;

function open(
  request: ConnectRequest,
  ctx: TransportContext,
  resolve: (connection: Connection) => void,
  reject: (error: ConnectError) => void,
): void {
  let attempt: Attempt;
  try {
    attempt = new Attempt(request, ctx, resolve, reject);
  } catch (e) {
    // Unusable TLS material (e.g. a key that does not match the certificate) throws right here.
    reject(classifyConnectFailure(e));
    return;
  }
  constructing = attempt;
  try {
    attempt.socket.connect();
  } catch (e) {
    // ws throws synchronously for some bad options.
    attempt.settle();
    attempt.socket.disconnect();
    reject(classifyConnectFailure(e));
  } finally {
    constructing = undefined;
  }
}

/** One connection attempt and, once open, the connection's transport side. */
class Attempt {
  readonly socket: HubSocket;
  readonly url: string;
  /** Phoenix reads `skipHeartbeat` on its transport (heartbeat interval 0). */
  readonly skipHeartbeat: boolean;
  /** Handed to ws once, then dropped (it carries the signed upgrade headers). */
  wsOptions?: ClientOptions;
  ws?: HubWebSocket;
  failure?: ConnectError;
  localAddress?: string;
  connection?: PhoenixConnection;
  private settled = false;

  constructor(
    request: ConnectRequest,
    private readonly ctx: TransportContext,
    private readonly resolve: (connection: Connection) => void,
    private readonly reject: (error: ConnectError) => void,
  ) {
    this.url = request.url;
    this.skipHeartbeat = request.heartbeatIntervalMs === 0;
    this.wsOptions = wsOptions(request, ctx);
    const codec = ctx.codec(request.serializer);
    this.socket = new HubSocket(this, codec, {
      transport: HubWebSocket as unknown as SocketConnectOption["transport"],
      encode: encode as never,
      decode: decode as never,
      vsn: codec.serializer.vsn,
      heartbeatIntervalMs: request.heartbeatIntervalMs || 30_000,
      reconnectAfterMs: never,
      rejoinAfterMs: never,
      timeout: ctx.joinTimeoutMs,
    });
    this.socket.onOpen(() => this.opened());
  }

  /** Marks the attempt as answered; false if it already was. */
  settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }

  /** Closes the websocket normally; a peer that never answers the close is cut off after a grace period. */
  shutDown(): void {
    this.socket.disconnect(undefined, NORMAL_CLOSURE, "");
    const ws = this.ws;
    if (ws) setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  closed(source: HubWebSocket, code: number, reason: string): void {
    if (source !== this.ws) return;
    // Phoenix would now schedule its own reconnect; disconnecting cancels it.
    this.socket.disconnect();
    if (this.settle()) {
      this.reject(
        this.failure ??
          new ConnectError("closed", `the connection closed during the handshake (code ${code})`),
      );
      return;
    }
    const info: CloseInfo = source.heartbeatTimedOut
      ? { kind: "heartbeat", reason: "heartbeat timeout" }
      : { kind: "remote", code, reason };
    this.connection?.closed(info);
  }

  private opened(): void {
    if (!this.settle()) return;
    this.connection = new PhoenixConnection(
      this.socket,
      this.ctx.joinTimeoutMs,
      this.ctx.log,
      this,
      this.localAddress,
    );
    this.resolve(this.connection);
  }
}

/** Phoenix's Socket, knowing its attempt and codec (phoenix calls `encode`/`decode` on it). */
class HubSocket extends Socket {
  constructor(
    readonly attempt: Attempt,
    readonly codec: FrameCodec,
    options: Partial<SocketConnectOption>,
  ) {
    super(attempt.url, options);
  }
}

function encode(this: HubSocket, message: PhoenixMessage, callback: (encoded: string | Uint8Array) => void) {
  if (message.topic === "phoenix" && message.ref) this.attempt.connection?.heartbeatSent(message.ref);
  this.codec.encode(message, callback);
}

function decode(this: HubSocket, raw: WireData, callback: (message: PhoenixMessage) => void) {
  this.codec.decode(raw, callback);
}

/** A ws WebSocket as phoenix wants its transport, reporting its lifecycle to its attempt. */
class HubWebSocket extends WebSocket {
  heartbeatTimedOut = false;
  readonly attempt: Attempt;
  readonly skipHeartbeat: boolean;

  constructor(_phoenixUrl: string, protocols?: string | string[]) {
    const attempt = constructing;
    if (!attempt?.wsOptions) throw new Error("phoenix opened a websocket outside wsTransport's connect");
    // Phoenix appends its own vsn; the link already built the exact URL.
    super(attempt.url, protocols, attempt.wsOptions);
    attempt.wsOptions = undefined;
    attempt.ws = this;
    this.attempt = attempt;
    this.skipHeartbeat = attempt.skipHeartbeat;
    this.on("upgrade", onUpgrade);
    this.on("unexpected-response", onUnexpectedResponse);
    this.on("error", onError);
    this.on("close", onClose);
  }

  override close(code?: number, reason?: string): void {
    // Phoenix closes a connection whose heartbeat went unanswered; the peer is presumed dead, so do not
    // wait up to 30 s for its close frame.
    if (reason === "heartbeat timeout") {
      this.heartbeatTimedOut = true;
      this.terminate();
      return;
    }
    super.close(code, reason);
  }
}

// ws calls its listeners with the websocket as `this`; these are shared by every connection.
function onUpgrade(this: WebSocket, res: IncomingMessage): void {
  (this as HubWebSocket).attempt.localAddress = res.socket?.localAddress;
}

function onUnexpectedResponse(this: WebSocket, _req: unknown, res: IncomingMessage): void {
  (this as HubWebSocket).attempt.failure = httpRefusal(res.statusCode ?? 0, res.headers);
  res.resume();
  this.terminate();
}

function onError(this: WebSocket, e: Error): void {
  (this as HubWebSocket).attempt.failure ??= classifyConnectFailure(e);
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const ws = this as HubWebSocket;
  ws.attempt.closed(ws, code, reason.toString());
}

/** The ws options for `request`: headers, deflate, timeout, TLS (a shared SecureContext) and proxy. */
function wsOptions(request: ConnectRequest, ctx: TransportContext): ClientOptions {
  const url = new URL(request.url);
  const secure = url.protocol === "wss:";
  const tls: ConnectionOptions = secure ? tlsOptions(request) : {};
  const proxy = proxyFor(url, request.proxy, ctx.env);
  if (proxy) ctx.log.debug("connecting through a proxy", { proxy: loggableProxy(proxy) });
  return {
    headers: request.headers,
    perMessageDeflate: request.compress,
    handshakeTimeout: request.connectTimeoutMs,
    followRedirects: false,
    ...(tls as ClientOptions),
    ...(proxy ? { agent: new TunnelAgent(proxy, secure, tls, request.connectTimeoutMs) } : {}),
  };
}

/** Per-connection TLS options over the shared context for the request's material. */
function tlsOptions(request: ConnectRequest): ConnectionOptions {
  const t = request.tls ?? {};
  const out: ConnectionOptions = { secureContext: sharedSecureContext(t) };
  if (t.servername !== undefined) out.servername = t.servername;
  if (t.rejectUnauthorized !== undefined) out.rejectUnauthorized = t.rejectUnauthorized;
  return out;
}
