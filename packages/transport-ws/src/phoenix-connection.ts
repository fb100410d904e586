// The link's Connection over one phoenix Socket. Topics are tracked here rather than with phoenix's
// Channel class so phoenix never rejoins or buffers on its own: the link owns rejoin timing.
import {
  type Channel,
  type CloseInfo,
  type Connection,
  JoinError,
  type Logger,
  type PushReply,
  type TopicHandlers,
} from "@nerves-hub-ts/ports";
import { PhxEvent } from "@nerves-hub-ts/protocol";
import type { Socket } from "phoenix";
import type { PhoenixMessage } from "./frame-codec.js";

/** Phoenix's own topic: heartbeats and their replies. */
const PHOENIX_TOPIC = "phoenix";

/** Pushes still listening for a reply; the hub answers few, so the oldest are forgotten past this. */
const MAX_REPLY_LISTENERS = 64;

/** How the connection closes its websocket. */
export interface TransportHandle {
  shutDown(): void;
}

type JoinStatus = "ok" | "error" | "timeout" | "closed";

/** One join of a topic on this connection: the link's Channel. */
class TopicChannel implements Channel {
  status: "joining" | "joined" | "gone" = "joining";
  readonly joined: Promise<unknown>;
  private answer?: { resolve(response: unknown): void; reject(error: JoinError): void };
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly conn: PhoenixConnection,
    readonly topic: string,
    readonly joinRef: string,
    readonly handlers: TopicHandlers,
  ) {
    this.joined = new Promise<unknown>((resolve, reject) => {
      this.answer = { resolve, reject };
    });
  }

  /** Waits `timeoutMs` for the join reply. */
  awaitReply(timeoutMs: number): void {
    this.timer = setTimeout(() => this.settle("timeout"), timeoutMs);
  }

  get pending(): boolean {
    return this.answer !== undefined;
  }

  settle(status: JoinStatus, response?: unknown): void {
    const answer = this.answer;
    if (!answer) return;
    this.answer = undefined;
    clearTimeout(this.timer);
    if (status === "ok" && this.status === "joining") {
      this.status = "joined";
      answer.resolve(response);
      return;
    }
    this.conn.forget(this);
    if (status === "error")
      answer.reject(new JoinError("refused", `the hub refused to join ${this.topic}`, response));
    else if (status === "timeout")
      answer.reject(new JoinError("timeout", `no reply to the ${this.topic} join`));
    else answer.reject(new JoinError("closed", "connection closed"));
  }

  push(event: string, payload: unknown, onReply?: (reply: PushReply) => void): boolean {
    return this.status === "joined" && this.conn.pushOn(this, event, payload, onReply);
  }

  leave(): Promise<void> {
    const wasJoined = this.status === "joined";
    this.conn.forget(this);
    return wasJoined ? this.conn.leave(this) : Promise.resolve();
  }
}

/** A `phx_leave` waiting for the server's reply or `phx_close`. */
interface PendingLeave {
  topic: string;
  joinRef: string;
  done: () => void;
}

export class PhoenixConnection implements Connection {
  /** Keyed by join ref. */
  private readonly topics = new Map<string, TopicChannel>();
  /** Keyed by the leave's ref. */
  private readonly leaves = new Map<string, PendingLeave>();
  /** Keyed by the push's ref: pushes whose reply someone listens for. */
  private readonly replyListeners = new Map<
    string,
    { channel: TopicChannel; listener: (r: PushReply) => void }
  >();
  private readonly closeListeners: ((info: CloseInfo) => void)[] = [];
  private heartbeatListeners?: ((rttMs: number) => void)[];
  private heartbeat?: { ref: string; sentAt: number };
  private ended = false;

  constructor(
    private readonly socket: Socket,
    private readonly joinTimeoutMs: number,
    private readonly log: Logger,
    private readonly transport: TransportHandle,
    readonly localAddress?: string,
  ) {
    socket.onMessage((message) => this.route(message as PhoenixMessage));
  }

  join(topic: string, params: unknown, handlers: TopicHandlers): Channel {
    // Joining a topic again replaces the earlier join, as the server does.
    for (const t of this.topics.values()) if (t.topic === topic) this.forget(t);
    const channel = new TopicChannel(this, topic, this.socket.makeRef(), handlers);
    if (this.ended) {
      channel.settle("closed");
    } else {
      this.topics.set(channel.joinRef, channel);
      channel.awaitReply(this.joinTimeoutMs);
      const ref = channel.joinRef;
      this.send({ topic, event: PhxEvent.join, payload: params, ref, join_ref: ref });
    }
    return channel;
  }

  onClose(listener: (info: CloseInfo) => void): void {
    this.closeListeners.push(listener);
  }

  onHeartbeat(listener: (rttMs: number) => void): void {
    this.heartbeatListeners ??= [];
    this.heartbeatListeners.push(listener);
  }

  close(): void {
    if (this.ended) return;
    this.end();
    this.transport.shutDown();
  }

  /** The websocket ended without `close()`: tell the link once. */
  closed(info: CloseInfo): void {
    if (this.ended) return;
    this.end();
    for (const listener of this.closeListeners) {
      try {
        listener(info);
      } catch (e) {
        this.log.error("connection close listener failed", { error: (e as Error).message });
      }
    }
  }

  /** Phoenix is sending a heartbeat with `ref`; its reply times the round trip. */
  heartbeatSent(ref: string): void {
    if (this.heartbeatListeners) this.heartbeat = { ref, sentAt: performance.now() };
  }

  /** @internal A joined channel's push. */
  pushOn(
    channel: TopicChannel,
    event: string,
    payload: unknown,
    onReply?: (reply: PushReply) => void,
  ): boolean {
    if (this.ended || !this.socket.isConnected()) return false;
    const { topic, joinRef } = channel;
    const ref = this.socket.makeRef();
    if (onReply) {
      this.replyListeners.set(ref, { channel, listener: onReply });
      if (this.replyListeners.size > MAX_REPLY_LISTENERS)
        this.replyListeners.delete(this.replyListeners.keys().next().value as string);
    }
    this.send({ topic, event, payload, ref, join_ref: joinRef });
    return true;
  }

  /** @internal Sends `phx_leave` for a joined channel; resolves on the server's acknowledgement. */
  leave(channel: TopicChannel): Promise<void> {
    if (this.ended) return Promise.resolve();
    const { topic, joinRef } = channel;
    const ref = this.socket.makeRef();
    const acknowledged = new Promise<void>((done) => {
      this.leaves.set(ref, { topic, joinRef, done });
    });
    this.send({ topic, event: PhxEvent.leave, payload: {}, ref, join_ref: joinRef });
    return acknowledged;
  }

  /** @internal No more messages for `channel`. */
  forget(channel: TopicChannel): void {
    channel.status = "gone";
    this.topics.delete(channel.joinRef);
    for (const [ref, waiting] of this.replyListeners)
      if (waiting.channel === channel) this.replyListeners.delete(ref);
  }

  private end(): void {
    this.ended = true;
    for (const t of [...this.topics.values()]) {
      if (t.pending) t.settle("closed");
      else this.forget(t);
    }
    for (const ref of [...this.leaves.keys()]) this.leaveAcknowledged(ref);
  }

  private leaveAcknowledged(ref: string): void {
    const leave = this.leaves.get(ref);
    if (!leave) return;
    this.leaves.delete(ref);
    leave.done();
  }

  private send(message: PhoenixMessage): void {
    this.socket.push(message);
  }

  private heartbeatReplied(ref: string | null | undefined): void {
    const sent = this.heartbeat;
    if (!sent || sent.ref !== ref || !this.heartbeatListeners) return;
    this.heartbeat = undefined;
    const rttMs = performance.now() - sent.sentAt;
    for (const listener of this.heartbeatListeners) {
      try {
        listener(rttMs);
      } catch (e) {
        this.log.error("heartbeat listener failed", { error: (e as Error).message });
      }
    }
  }

  private route(message: PhoenixMessage): void {
    const { topic, event, payload, ref } = message;
    if (topic === PHOENIX_TOPIC) {
      // Phoenix itself keeps the heartbeat going; this only times it.
      if (event === PhxEvent.reply) this.heartbeatReplied(ref);
      return;
    }
    if (event === PhxEvent.reply && ref && this.leaves.get(ref)?.topic === topic) {
      this.leaveAcknowledged(ref);
      return;
    }
    if (event === PhxEvent.close && this.leaves.size > 0) {
      // The server closes the channel it left; the reply usually came first.
      const joinRef = message.join_ref ?? null;
      for (const [leaveRef, leave] of this.leaves) {
        if (leave.topic === topic && (joinRef === null || joinRef === leave.joinRef)) {
          this.leaveAcknowledged(leaveRef);
          return;
        }
      }
    }
    if (event === PhxEvent.reply) {
      const pending = ref ? this.topics.get(ref) : undefined;
      if (pending?.pending && pending.topic === topic) {
        const reply = payload as { status?: unknown; response?: unknown } | null;
        pending.settle(reply?.status === "ok" ? "ok" : "error", reply?.response);
        return;
      }
      // A reply to a push reaches its listener, if the push has one; others are ignored.
      this.pushReplied(topic, ref, payload);
      return;
    }
    const channel = this.joinedTopic(topic, message.join_ref ?? null);
    if (!channel) {
      this.log.debug("message for a topic that is not joined; ignored", { topic, event });
      return;
    }
    try {
      if (event === PhxEvent.error) {
        this.forget(channel);
        channel.handlers.onError(payload);
      } else if (event === PhxEvent.close) {
        this.forget(channel);
        channel.handlers.onClose();
      } else {
        channel.handlers.onMessage(event, payload);
      }
    } catch (e) {
      // A throwing handler must not take the websocket down with it.
      this.log.error("handler for a hub message failed", { topic, event, error: (e as Error).message });
    }
  }

  private pushReplied(topic: string, ref: string | null | undefined, payload: unknown): void {
    const waiting = ref ? this.replyListeners.get(ref) : undefined;
    if (!ref || !waiting || waiting.channel.topic !== topic) return;
    this.replyListeners.delete(ref);
    const reply = payload as { status?: unknown; response?: unknown } | null;
    try {
      waiting.listener({ status: String(reply?.status), response: reply?.response });
    } catch (e) {
      this.log.error("listener for a push reply failed", { topic, error: (e as Error).message });
    }
  }

  private joinedTopic(topic: string, joinRef: string | null): TopicChannel | undefined {
    for (const t of this.topics.values()) {
      if (t.topic === topic && t.status === "joined" && (joinRef === null || joinRef === t.joinRef)) return t;
    }
    return undefined;
  }
}
