// The link's Connection over one phoenix Socket. Topics are tracked here rather than with phoenix's
// Channel class so phoenix never rejoins or buffers on its own: the link owns rejoin timing.
import {
  type Channel,
  type CloseInfo,
  type Connection,
  JoinError,
  type Logger,
  type TopicHandlers,
} from "@nerves-hub-ts/link";
import { PhxEvent } from "@nerves-hub-ts/protocol";
import type { Socket } from "phoenix";
import type { PhoenixMessage } from "./frame-codec.js";

interface TopicState {
  topic: string;
  joinRef: string;
  handlers: TopicHandlers;
  status: "joining" | "joined" | "gone";
  settle?: (status: "ok" | "error" | "timeout" | "closed", response?: unknown) => void;
}

/** A `phx_leave` waiting for the server's reply or `phx_close`. */
interface PendingLeave {
  topic: string;
  joinRef: string;
  done: () => void;
}

export class PhoenixConnection implements Connection {
  private readonly topics = new Map<string, TopicState>();
  /** Keyed by the leave's ref. */
  private readonly leaves = new Map<string, PendingLeave>();
  private readonly closeListeners: ((info: CloseInfo) => void)[] = [];
  private ended = false;

  constructor(
    private readonly socket: Socket,
    private readonly joinTimeoutMs: number,
    private readonly log: Logger,
    private readonly closeTransport: () => void,
    readonly localAddress?: string,
  ) {
    socket.onMessage((message) => this.route(message as PhoenixMessage));
  }

  join(topic: string, params: unknown, handlers: TopicHandlers): Channel {
    // Joining a topic again replaces the earlier join, as the server does.
    for (const t of this.topics.values()) if (t.topic === topic) this.forget(t);
    const joinRef = this.socket.makeRef();
    const state: TopicState = { topic, joinRef, handlers, status: "joining" };
    const joined = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => state.settle?.("timeout"), this.joinTimeoutMs);
      state.settle = (status, response) => {
        clearTimeout(timer);
        state.settle = undefined;
        if (status === "ok" && state.status === "joining") {
          state.status = "joined";
          resolve(response);
          return;
        }
        this.forget(state);
        if (status === "error")
          reject(new JoinError("refused", `the hub refused to join ${topic}`, response));
        else if (status === "timeout") reject(new JoinError("timeout", `no reply to the ${topic} join`));
        else reject(new JoinError("closed", "connection closed"));
      };
    });
    if (this.ended) {
      state.settle?.("closed");
    } else {
      this.topics.set(joinRef, state);
      this.send({ topic, event: PhxEvent.join, payload: params, ref: joinRef, join_ref: joinRef });
    }
    return {
      topic,
      joined,
      push: (event, payload) => {
        if (this.ended || state.status !== "joined" || !this.socket.isConnected()) return false;
        this.send({ topic, event, payload, ref: this.socket.makeRef(), join_ref: joinRef });
        return true;
      },
      leave: () => {
        const wasJoined = state.status === "joined";
        this.forget(state);
        if (!wasJoined || this.ended) return Promise.resolve();
        const ref = this.socket.makeRef();
        const acknowledged = new Promise<void>((done) => {
          this.leaves.set(ref, { topic, joinRef, done });
        });
        this.send({ topic, event: PhxEvent.leave, payload: {}, ref, join_ref: joinRef });
        return acknowledged;
      },
    };
  }

  onClose(listener: (info: CloseInfo) => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    if (this.ended) return;
    this.end();
    this.closeTransport();
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

  private end(): void {
    this.ended = true;
    for (const t of [...this.topics.values()]) {
      if (t.settle) t.settle("closed");
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

  private forget(state: TopicState): void {
    state.status = "gone";
    this.topics.delete(state.joinRef);
  }

  private route(message: PhoenixMessage): void {
    const { topic, event, payload, ref } = message;
    if (topic === "phoenix") return; // heartbeat replies: phoenix's own business
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
      if (pending?.settle && pending.topic === topic) {
        const reply = payload as { status?: unknown; response?: unknown } | null;
        pending.settle(reply?.status === "ok" ? "ok" : "error", reply?.response);
      }
      // Replies to pushes are tolerated and ignored (the server normally sends none).
      return;
    }
    const state = this.joinedTopic(topic, message.join_ref ?? null);
    if (!state) {
      this.log.debug("message for a topic that is not joined; ignored", { topic, event });
      return;
    }
    try {
      if (event === PhxEvent.error) {
        this.forget(state);
        state.handlers.onError(payload);
      } else if (event === PhxEvent.close) {
        this.forget(state);
        state.handlers.onClose();
      } else {
        state.handlers.onMessage(event, payload);
      }
    } catch (e) {
      // A throwing handler must not take the websocket down with it.
      this.log.error("handler for a hub message failed", { topic, event, error: (e as Error).message });
    }
  }

  private joinedTopic(topic: string, joinRef: string | null): TopicState | undefined {
    for (const t of this.topics.values()) {
      if (t.topic === topic && t.status === "joined" && (joinRef === null || joinRef === t.joinRef)) return t;
    }
    return undefined;
  }
}
