// One device websocket speaking Phoenix v2 framing (hub-server.md §1.5, §1.7).
import {
  type Frame,
  FrameError,
  HEARTBEAT_TOPIC,
  PhxEvent,
  replyFrame,
  type Serializer,
} from "@nerves-hub-ts/protocol";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import { type Channel, ChannelCrash } from "./channel.js";

/** Close codes the real server (Phoenix 1.8 on Bandit) uses. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  idleTimeout: 1002,
  tooBig: 1009,
  crash: 1011,
  serviceRestart: 1012,
} as const;

export interface ConnectionHooks {
  /** The channel serving `topic`, or undefined for an unmatched topic. */
  channelFor(topic: string, connection: DeviceConnection): Channel | undefined;
  /** A frame the hub could not use; recorded against the device. */
  violation(topic: string, event: string, reason: string): void;
  /** Any inbound frame (the device is alive). */
  seen(): void;
  joined(topic: string, params: unknown): void;
  left(topic: string): void;
  crashed(topic: string, reason: string): void;
  pushed(topic: string, event: string, payload: unknown): void;
  /** The socket closed; `reason` is the close reason, whichever side closed. */
  closed(code: number, reason: string): void;
}

interface Joined {
  joinRef: string | null;
  channel: Channel;
}

export class DeviceConnection {
  readonly #channels = new Map<string, Joined>();
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    readonly identifier: string,
    readonly serializer: Serializer,
    private readonly ws: WebSocket,
    private readonly hooks: ConnectionHooks,
    private readonly log: Logger,
    private readonly idleTimeoutMs: number,
  ) {
    ws.on("message", (data, isBinary) => this.#onMessage(data as Buffer | Buffer[] | ArrayBuffer, isBinary));
    ws.on("close", (code, reason) => this.#stop(code, reason.toString("utf8")));
    ws.on("error", (error) => this.log.warn({ err: error.message }, "device websocket error"));
    this.#armIdleTimer();
  }

  get joinedTopics(): string[] {
    return [...this.#channels.keys()];
  }

  isJoined(topic: string): boolean {
    return this.#channels.has(topic);
  }

  /**
   * Pushes `event` on a joined topic. Channel pushes carry the channel's join_ref; `fastlane`
   * broadcasts carry null refs. Returns false when the topic is not joined (nothing is sent).
   */
  push(topic: string, event: string, payload: unknown, options: { fastlane?: boolean } = {}): boolean {
    const joined = this.#channels.get(topic);
    if (!joined || this.#closed) return false;
    this.send({ joinRef: options.fastlane ? null : joined.joinRef, ref: null, topic, event, payload });
    this.hooks.pushed(topic, event, payload);
    return true;
  }

  /** Sends a frame as is (tests use it for raw pushes). */
  send(frame: Frame): void {
    if (this.#closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(this.serializer.encode(frame), { binary: this.serializer.frameType === "binary" });
  }

  close(code: number, reason = ""): void {
    if (this.#closed) return;
    this.ws.close(code, reason);
    this.#stop(code, reason);
  }

  #armIdleTimer(): void {
    // One timer per connection, restarted on every frame rather than replaced.
    if (this.#idleTimer) {
      this.#idleTimer.refresh();
      return;
    }
    this.#idleTimer = setTimeout(() => {
      this.log.info({ idleTimeoutMs: this.idleTimeoutMs }, "device idle, closing");
      this.close(CloseCode.idleTimeout, "idle timeout");
    }, this.idleTimeoutMs);
    this.#idleTimer.unref();
  }

  #onMessage(raw: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean): void {
    if (this.#closed) return;
    this.#armIdleTimer();
    this.hooks.seen();
    const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
    if (!isBinary && this.serializer.frameType === "binary") {
      // The real msgpack serializer has no text branch: the socket process crashes.
      this.hooks.violation("", "", "text frame on a MessagePack (vsn 3.0.0) socket");
      this.close(CloseCode.crash, "text frame on msgpack socket");
      return;
    }
    const decoded = this.serializer.decode(isBinary ? new Uint8Array(bytes) : bytes.toString("utf8"));
    if (!decoded.ok) {
      this.log.warn({ code: decoded.error.code, err: decoded.error.message }, "undecodable frame dropped");
      this.hooks.violation("", "", `undecodable frame: ${decoded.error.message}`);
      return;
    }
    try {
      this.#dispatch(decoded.value);
    } catch (error) {
      // A hub bug must not take the device (or the hub) down silently.
      this.log.error(
        { err: error instanceof Error ? error.message : String(error) },
        "frame handling failed",
      );
      if (!(error instanceof FrameError)) this.close(CloseCode.crash, "internal error");
    }
  }

  #dispatch(frame: Frame): void {
    const { topic, event } = frame;
    if (topic === HEARTBEAT_TOPIC && event === PhxEvent.heartbeat) {
      this.send(replyFrame(frame, "ok", {}));
      return;
    }
    if (event === PhxEvent.join) {
      this.#join(frame);
      return;
    }
    const joined = this.#channels.get(topic);
    if (event === PhxEvent.leave) {
      this.send(replyFrame(frame, "ok", {}));
      if (joined) {
        this.#shutDown(topic, joined, PhxEvent.close, {});
        this.hooks.left(topic);
      }
      return;
    }
    if (!joined) {
      this.hooks.violation(topic, event, "message for a topic that is not joined");
      this.send(replyFrame(frame, "error", { reason: "unmatched topic" }));
      return;
    }
    let outcome: ReturnType<Channel["handleIn"]>;
    try {
      outcome = joined.channel.handleIn(event, frame.payload, frame);
    } catch (error) {
      if (!(error instanceof ChannelCrash)) throw error;
      this.#crash(topic, joined, error.message);
      return;
    }
    if (outcome) this.send(replyFrame(frame, outcome.reply.status, outcome.reply.response));
  }

  #join(frame: Frame): void {
    const { topic } = frame;
    const previous = this.#channels.get(topic);
    if (previous) {
      // Phoenix shuts the old channel down before processing the new join.
      this.#shutDown(topic, previous, PhxEvent.close, {});
    }
    const channel = this.hooks.channelFor(topic, this);
    if (!channel) {
      this.hooks.violation(topic, PhxEvent.join, "join of an unknown topic");
      this.send(replyFrame(frame, "error", { reason: "unmatched topic" }));
      return;
    }
    let outcome: ReturnType<Channel["join"]>;
    try {
      outcome = channel.join(frame.payload);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.hooks.violation(topic, PhxEvent.join, `join crashed: ${reason}`);
      this.send(replyFrame(frame, "error", { reason: "join crashed" }));
      return;
    }
    if (outcome.status === "ok") {
      this.#channels.set(topic, { joinRef: frame.joinRef ?? frame.ref, channel });
    }
    this.send(replyFrame(frame, outcome.status, outcome.response));
    if (outcome.status !== "ok") return;
    this.hooks.joined(topic, frame.payload);
    try {
      channel.afterJoin?.();
    } catch (error) {
      const joined = this.#channels.get(topic);
      if (error instanceof ChannelCrash && joined) this.#crash(topic, joined, error.message);
      else throw error;
    }
  }

  #crash(topic: string, joined: Joined, reason: string): void {
    this.log.warn({ topic, reason }, "channel crashed");
    this.#shutDown(topic, joined, PhxEvent.error, { reason: "channel_crash" });
    this.hooks.crashed(topic, reason);
  }

  /** Ends a joined channel and tells the device with phx_close or phx_error on its join ref. */
  #shutDown(
    topic: string,
    joined: Joined,
    event: typeof PhxEvent.close | typeof PhxEvent.error,
    payload: Record<string, unknown>,
  ): void {
    this.#remove(topic);
    this.send({ joinRef: joined.joinRef, ref: joined.joinRef, topic, event, payload });
  }

  #remove(topic: string): void {
    const joined = this.#channels.get(topic);
    this.#channels.delete(topic);
    joined?.channel.terminate?.();
  }

  #stop(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    for (const topic of [...this.#channels.keys()]) this.#remove(topic);
    this.hooks.closed(code, reason);
  }
}
