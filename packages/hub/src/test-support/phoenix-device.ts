// Test devices: the official phoenix JS client over `ws` (toolchain-notes.md §4), and raw ws helpers.
import type { IncomingHttpHeaders } from "node:http";
import { type Frame, msgpackSerializer } from "@nerves-hub-ts/protocol";
import { type Channel, Socket } from "phoenix";
import WebSocket, { type ClientOptions } from "ws";

export type TransportCtor = new (url: string, protocols?: string | string[]) => WebSocket;

/** A phoenix transport class that is a `ws` WebSocket with extra client options (headers, TLS). */
export function nodeTransport(extra: ClientOptions): TransportCtor {
  return class NodeWsTransport extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, extra);
    }
  };
}

interface PhoenixMessage {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

const msgpack = msgpackSerializer();

/** phoenix `encode`/`decode` options speaking the hub's MessagePack framing (vsn 3.0.0). */
const msgpackCodec = {
  encode(msg: PhoenixMessage, callback: (encoded: unknown) => void) {
    const frame: Frame = {
      joinRef: msg.join_ref,
      ref: msg.ref,
      topic: msg.topic,
      event: msg.event,
      payload: msg.payload,
    };
    callback(msgpack.encode(frame));
  },
  decode(raw: ArrayBuffer, callback: (decoded: PhoenixMessage) => void) {
    const r = msgpack.decode(raw);
    if (!r.ok) throw r.error;
    const f = r.value;
    callback({ join_ref: f.joinRef, ref: f.ref, topic: f.topic, event: f.event, payload: f.payload });
  },
};

export interface PhoenixDeviceOptions extends ClientOptions {
  serializer?: "json" | "msgpack";
  heartbeatIntervalMs?: number;
}

/**
 * Connects the phoenix client to `endpoint` (the socket URL without `/websocket`, e.g.
 * `wss://127.0.0.1:4001/socket`). Resolves once open; rejects on the first error.
 */
export function connectPhoenix(endpoint: string, options: PhoenixDeviceOptions = {}): Promise<Socket> {
  const { serializer = "json", heartbeatIntervalMs = 30_000, ...client } = options;
  const socket = new Socket(endpoint, {
    transport: nodeTransport(client) as unknown as new (endpoint: string) => object,
    heartbeatIntervalMs,
    reconnectAfterMs: () => 60_000,
    rejoinAfterMs: () => 60_000,
    ...(serializer === "msgpack"
      ? { vsn: "3.0.0", encode: msgpackCodec.encode as never, decode: msgpackCodec.decode as never }
      : {}),
  });
  return new Promise((resolve, reject) => {
    const openRef = socket.onOpen(() => {
      socket.off([openRef, errorRef]);
      resolve(socket);
    });
    const errorRef = socket.onError((error: unknown) => {
      socket.off([openRef, errorRef]);
      socket.disconnect();
      reject(
        error instanceof Error
          ? error
          : new Error(`socket error: ${String((error as { message?: string })?.message ?? error)}`),
      );
    });
    socket.connect();
  });
}

/** Joins `topic` and resolves with the join response (rejects with it on an error reply). */
export function join(
  socket: Socket,
  topic: string,
  params: object = {},
): Promise<{ channel: Channel; response: unknown }> {
  const channel = socket.channel(topic, params);
  return new Promise((resolve, reject) => {
    channel
      .join()
      .receive("ok", (response: unknown) => resolve({ channel, response }))
      .receive("error", (response: unknown) => reject(Object.assign(new Error("join refused"), { response })))
      .receive("timeout", () => reject(new Error("join timed out")));
  });
}

/** Collects every message the channel receives on the given events, in order. */
export function record(channel: Channel, events: string[]): { event: string; payload: unknown }[] {
  const seen: { event: string; payload: unknown }[] = [];
  for (const event of events) {
    channel.on(event, (payload: unknown) => {
      seen.push({ event, payload });
    });
  }
  return seen;
}

/** What a raw upgrade attempt ended with: an open socket, or the HTTP refusal. */
export type RawOutcome =
  | { kind: "open"; ws: WebSocket; headers: IncomingHttpHeaders }
  | { kind: "refused"; status: number; headers: IncomingHttpHeaders; body: string };

export function rawConnect(url: string, options: ClientOptions = {}): Promise<RawOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    let headers: IncomingHttpHeaders = {};
    ws.once("upgrade", (res) => {
      headers = res.headers;
    });
    ws.once("open", () => resolve({ kind: "open", ws, headers }));
    ws.once("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          kind: "refused",
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    ws.once("error", reject);
  });
}

/** A raw websocket device with a frame inbox, for protocol-level tests. */
export class RawDevice {
  readonly inbox: (string | Buffer)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      this.inbox.push(isBinary ? Buffer.from(data as Buffer) : Buffer.from(data as Buffer).toString("utf8"));
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) =>
      ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  sendJson(frame: unknown[]): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Waits for a JSON frame matching `predicate` (frames already received count). */
  async nextJson(
    predicate: (frame: unknown[]) => boolean = () => true,
    timeoutMs = 2000,
  ): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    let scanned = 0;
    for (;;) {
      for (; scanned < this.inbox.length; scanned++) {
        const item = this.inbox[scanned];
        if (typeof item !== "string") continue;
        const frame = JSON.parse(item) as unknown[];
        if (predicate(frame)) {
          this.inbox.splice(scanned, 1);
          return frame;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching frame within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
