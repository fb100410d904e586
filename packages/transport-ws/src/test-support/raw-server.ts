// A minimal Phoenix-speaking websocket server on loopback, for transport tests that need to control
// every frame (the hub is the realistic peer; this one misbehaves on request).
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import {
  type Frame,
  jsonSerializer,
  msgpackSerializer,
  replyFrame,
  type Serializer,
} from "@nerves-hub-ts/protocol";
import { type WebSocket, WebSocketServer } from "ws";

export interface RawServerOptions {
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean; rejectUnauthorized?: boolean };
  perMessageDeflate?: boolean;
  /** Answer heartbeats (default true). */
  heartbeats?: boolean;
  /** Reply to joins (default ok with {}); return undefined to never reply. */
  joinReply?: (frame: Frame) => { status: "ok" | "error"; response: unknown } | undefined;
  /** Refuse the upgrade with this HTTP answer. */
  refuse?: (req: IncomingMessage) => { status: number; headers?: Record<string, string> } | undefined;
}

export class RawPeer {
  readonly received: Frame[] = [];
  readonly rawFrames: { data: Buffer; binary: boolean }[] = [];
  private waiters: (() => void)[] = [];
  closed?: { code: number };

  constructor(
    readonly ws: WebSocket,
    readonly request: IncomingMessage,
    readonly serializer: Serializer,
  ) {}

  send(frame: Frame): void {
    const data = this.serializer.encode(frame);
    this.ws.send(data, { binary: typeof data !== "string" });
  }

  sendRaw(data: string | Uint8Array, binary: boolean): void {
    this.ws.send(data, { binary });
  }

  /** Resolves with the first received frame matching `predicate`. */
  async frame(predicate: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(this.received)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** @internal */
  arrived(data: Buffer, binary: boolean): void {
    this.rawFrames.push({ data, binary });
    const decoded = this.serializer.decode(binary ? new Uint8Array(data) : data.toString("utf8"));
    if (decoded.ok) this.received.push(decoded.value);
    for (const w of this.waiters.splice(0)) w();
  }
}

export class RawServer {
  readonly peers: RawPeer[] = [];
  /** Server names the TLS clients asked for (SNI). */
  readonly serverNames: string[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly server: Server,
    readonly secure: boolean,
  ) {
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = "/socket/websocket?vsn=2.0.0", host = "127.0.0.1"): string {
    return `${this.secure ? "wss" : "ws"}://${host}:${this.port}${path}`;
  }

  async peer(index = 0, timeoutMs = 3000): Promise<RawPeer> {
    const deadline = Date.now() + timeoutMs;
    while (!this.peers[index]) {
      if (Date.now() > deadline) throw new Error("no connection arrived");
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.peers[index] as RawPeer;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export async function startRawServer(options: RawServerOptions = {}): Promise<RawServer> {
  const server = options.tls
    ? createHttpsServer({
        cert: options.tls.cert,
        key: options.tls.key,
        ca: options.tls.ca,
        requestCert: options.tls.requestCert ?? false,
        rejectUnauthorized: options.tls.rejectUnauthorized ?? false,
        SNICallback: (name, cb) => {
          raw.serverNames.push(name);
          cb(null);
        },
      })
    : createHttpServer();
  const raw = new RawServer(server, options.tls !== undefined);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: options.perMessageDeflate ?? true });
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refusal = options.refuse?.(req);
    if (refusal) {
      const headers = Object.entries(refusal.headers ?? {})
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      socket.end(
        `HTTP/1.1 ${refusal.status} Refused\r\n${headers}content-length: 0\r\nconnection: close\r\n\r\n`,
      );
      return;
    }
    const vsn = new URL(req.url ?? "/", "http://x").searchParams.get("vsn");
    const serializer = vsn === "3.0.0" ? msgpackSerializer() : jsonSerializer("device");
    wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = new RawPeer(ws, req, serializer);
      raw.peers.push(peer);
      ws.on("close", (code) => {
        peer.closed = { code };
      });
      ws.on("message", (data: Buffer, binary: boolean) => {
        peer.arrived(data, binary);
        const frame = peer.received[peer.received.length - 1];
        if (!frame) return;
        if (frame.topic === "phoenix" && frame.event === "heartbeat") {
          if (options.heartbeats ?? true) peer.send(replyFrame(frame, "ok", {}));
        } else if (frame.event === "phx_join") {
          const reply = options.joinReply
            ? options.joinReply(frame)
            : { status: "ok" as const, response: {} };
          if (reply) peer.send(replyFrame(frame, reply.status, reply.response));
        }
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return raw;
}

/** The certificate a TLS peer presented, as the server saw it. */
export function peerCertificateCn(peer: RawPeer): string | undefined {
  const socket = peer.request.socket as TLSSocket;
  const cn = socket.getPeerCertificate?.()?.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}
