// The Transport adapter: a fresh phoenix Socket per attempt, over a `ws` WebSocket that carries the
// upgrade headers, TLS material, permessage-deflate and an optional CONNECT tunnel. Phoenix's own
// reconnect is neutralised (the link owns reconnecting); its heartbeat is kept.
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
} from "@nerves-hub-ts/link";
import { Socket } from "phoenix";
import WebSocket, { type ClientOptions } from "ws";
import { classifyConnectFailure, httpRefusal } from "./connect-error.js";
import { frameCodec, RateLimitedLog } from "./frame-codec.js";
import { PhoenixConnection } from "./phoenix-connection.js";
import { loggableProxy, proxyFor, TunnelAgent } from "./proxy-tunnel.js";

/** Phoenix's reconnect timer is set to the longest delay Node allows; the link closes before it fires. */
const NEVER_MS = 2 ** 31 - 1;
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

/** The Transport over phoenix + ws, for Node. */
export function wsTransport(options: WsTransportOptions = {}): Transport {
  const log = options.logger ?? silentLogger;
  const frameLog = new RateLimitedLog(log);
  return {
    connect: (request) =>
      openConnection(request, {
        log,
        frameLog,
        joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
        env: options.env ?? process.env,
      }),
  };
}

interface Context {
  log: Logger;
  frameLog: RateLimitedLog;
  joinTimeoutMs: number;
  env: Record<string, string | undefined>;
}

/** A ws WebSocket as phoenix wants its transport, reporting its lifecycle to the adapter. */
class HubWebSocket extends WebSocket {
  heartbeatTimedOut = false;
  /** Phoenix reads this to skip heartbeats (heartbeat interval 0). */
  skipHeartbeat = false;

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

function openConnection(request: ConnectRequest, ctx: Context): Promise<Connection> {
  const url = new URL(request.url);
  const secure = url.protocol === "wss:";
  const tls: ConnectionOptions = secure ? tlsOptions(request) : {};
  const proxy = proxyFor(url, request.proxy, ctx.env);
  const wsOptions: ClientOptions = {
    headers: request.headers,
    perMessageDeflate: request.compress,
    handshakeTimeout: request.connectTimeoutMs,
    followRedirects: false,
    ...(tls as ClientOptions),
    ...(proxy ? { agent: new TunnelAgent(proxy, secure, tls, request.connectTimeoutMs) } : {}),
  };
  if (proxy) ctx.log.debug("connecting through a proxy", { proxy: loggableProxy(proxy) });
  const codec = frameCodec(request.serializer, ctx.frameLog);

  return new Promise<Connection>((resolve, reject) => {
    let ws: HubWebSocket | undefined;
    let failure: ConnectError | undefined;
    let localAddress: string | undefined;
    let connection: PhoenixConnection | undefined;
    let settled = false;

    const Transport = class extends HubWebSocket {
      constructor(_phoenixUrl: string, protocols?: string | string[]) {
        // Phoenix appends its own vsn; the link already built the exact URL.
        super(request.url, protocols, wsOptions);
        ws = this;
        this.skipHeartbeat = request.heartbeatIntervalMs === 0;
        this.on("upgrade", (res: IncomingMessage) => {
          localAddress = res.socket?.localAddress;
        });
        this.on("unexpected-response", (_req, res: IncomingMessage) => {
          failure = httpRefusal(res.statusCode ?? 0, res.headers);
          res.resume();
          this.terminate();
        });
        this.on("error", (e: Error) => {
          failure ??= classifyConnectFailure(e);
        });
        this.on("close", (code: number, reason: Buffer) => onClose(this, code, reason.toString()));
      }
    };

    const socket = new Socket(request.url, {
      transport: Transport as unknown as new (endpoint: string) => object,
      encode: codec.encode as never,
      decode: codec.decode as never,
      vsn: codec.serializer.vsn,
      heartbeatIntervalMs: request.heartbeatIntervalMs || 30_000,
      reconnectAfterMs: () => NEVER_MS,
      rejoinAfterMs: () => NEVER_MS,
      timeout: ctx.joinTimeoutMs,
    });

    const shutDown = () => {
      socket.disconnect(undefined, NORMAL_CLOSURE, "");
      const current = ws;
      if (current) setTimeout(() => current.terminate(), CLOSE_GRACE_MS).unref();
    };

    function onClose(source: HubWebSocket, code: number, reason: string): void {
      if (source !== ws) return;
      // Phoenix would now schedule its own reconnect; disconnecting cancels it.
      socket.disconnect();
      if (!settled) {
        settled = true;
        reject(
          failure ?? new ConnectError("closed", `the connection closed during the handshake (code ${code})`),
        );
        return;
      }
      const info: CloseInfo = source.heartbeatTimedOut
        ? { kind: "heartbeat", reason: "heartbeat timeout" }
        : { kind: "remote", code, reason };
      connection?.closed(info);
    }

    socket.onOpen(() => {
      if (settled) return;
      settled = true;
      connection = new PhoenixConnection(socket, ctx.joinTimeoutMs, ctx.log, shutDown, localAddress);
      resolve(connection);
    });

    try {
      socket.connect();
    } catch (e) {
      // ws throws synchronously for some bad options (e.g. a key that does not match the certificate).
      settled = true;
      socket.disconnect();
      reject(classifyConnectFailure(e));
    }
  });
}

function tlsOptions(request: ConnectRequest): ConnectionOptions {
  const t = request.tls ?? {};
  const out: ConnectionOptions = {};
  if (t.cert !== undefined) out.cert = t.cert;
  if (t.key !== undefined) out.key = t.key;
  if (t.ca !== undefined) out.ca = t.ca;
  if (t.servername !== undefined) out.servername = t.servername;
  if (t.rejectUnauthorized !== undefined) out.rejectUnauthorized = t.rejectUnauthorized;
  if (t.minVersion !== undefined) out.minVersion = t.minVersion;
  if (t.maxVersion !== undefined) out.maxVersion = t.maxVersion;
  if (t.privateKeyEngine !== undefined)
    (out as Record<string, unknown>).privateKeyEngine = t.privateKeyEngine;
  if (t.privateKeyIdentifier !== undefined) {
    (out as Record<string, unknown>).privateKeyIdentifier = t.privateKeyIdentifier;
  }
  return out;
}
