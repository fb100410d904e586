import {
  type Channel,
  type Clock,
  type CloseInfo,
  ConnectError,
  type Connection,
  type ConnectRequest,
  JoinError,
  type PushReply,
  type TimerHandle,
  type TopicHandlers,
  type Transport,
} from "@nerves-hub-ts/ports";

/** How the peer (or the network) answers one connect attempt. */
export type ConnectOutcome =
  | { accept: true; localAddress?: string }
  | { refuse: ConnectError }
  | { hang: true };

/** How the peer answers a join: an `ok`/`error` reply, or no reply until `replyToJoin`. */
export type JoinOutcome = { status: "ok" | "error"; response?: unknown } | "pending";

/** A message the device pushed. */
export interface Pushed {
  topic: string;
  event: string;
  payload: unknown;
}

/**
 * An in-process Phoenix peer behind the Transport port. Like a hub it accepts connects, answers joins
 * `ok`, acknowledges leaves and, given a clock, answers heartbeats; its decision hooks (`admit`,
 * `joinReply`, `pushReply`, `leaveReply`) make it answer otherwise. As the server, a test pushes
 * messages, replies, crashes or closes channels and drops connections; the network's failures
 * (refused or hanging connects) can be queued with `script` and `refuse`.
 */
export class MemoryTransport implements Transport {
  readonly requests: ConnectRequest[] = [];
  readonly connections: MemoryConnection[] = [];
  private outcomes: ConnectOutcome[] = [];
  /** Decides connects not decided by `script`; default: accept. */
  admit: (request: ConnectRequest) => ConnectOutcome = () => ({ accept: true });
  /** Decides join replies; default: `ok` with an empty response. */
  joinReply: (topic: string, params: unknown) => JoinOutcome = () => ({ status: "ok", response: {} });
  /** The server's reply to a push, if it sends one at once (default: none, as for most pushes). */
  pushReply: (topic: string, event: string, payload: unknown) => PushReply | undefined = () => undefined;
  /** Whether the server acknowledges a leave of `topic` at once (default) or not until `ackLeave`. */
  leaveReply: (topic: string) => "ok" | "pending" = () => "ok";

  constructor(
    private readonly options: {
      /** Runs heartbeats: every `heartbeatIntervalMs` the peer answers one at once (0 ms round trip). */
      heartbeatClock?: Clock;
    } = {},
  ) {}

  /** Queues the outcomes of the next connect attempts (after the queue: `admit` decides). */
  script(...outcomes: ConnectOutcome[]): this {
    this.outcomes.push(...outcomes);
    return this;
  }

  /** Queues a refusal: `refuse("http", 401)` or `refuse("tcp")`. */
  refuse(kind: ConnectError["kind"], status?: number, details: ConnectError["details"] = {}): this {
    const message = status !== undefined ? `upgrade refused with HTTP ${status}` : `${kind} failure`;
    return this.script({ refuse: new ConnectError(kind, message, { status, ...details }) });
  }

  /** The newest connection. */
  get current(): MemoryConnection | undefined {
    return this.connections[this.connections.length - 1];
  }

  async connect(request: ConnectRequest): Promise<Connection> {
    this.requests.push(structuredClone(request));
    const outcome = this.outcomes.shift() ?? this.admit(request);
    if ("refuse" in outcome) throw outcome.refuse;
    if ("hang" in outcome) return new Promise<Connection>(() => {});
    const conn = new MemoryConnection(this, request, outcome.localAddress);
    this.connections.push(conn);
    const clock = this.options.heartbeatClock;
    if (clock && request.heartbeatIntervalMs > 0) conn.beat(clock, request.heartbeatIntervalMs);
    return conn;
  }
}

interface MemoryChannel {
  topic: string;
  handlers: TopicHandlers;
  state: "joining" | "joined" | "gone";
  settle?: (outcome: Exclude<JoinOutcome, "pending">) => void;
  /** Resolves the device's pending leave. */
  leaveAcked?: () => void;
}

/** One connection, seen from both ends. */
export class MemoryConnection implements Connection {
  readonly joins: { topic: string; params: unknown }[] = [];
  readonly pushed: Pushed[] = [];
  /** Topics the device left (`phx_leave`), in order. */
  readonly leaves: string[] = [];
  closedByClient = false;
  private closeListeners: ((info: CloseInfo) => void)[] = [];
  private heartbeatListeners: ((rttMs: number) => void)[] = [];
  private channels: MemoryChannel[] = [];
  private open = true;
  private heartbeat?: TimerHandle;
  /** Who hears the server's reply to a push, for pushes that asked to. */
  private readonly replyListeners = new WeakMap<
    Pushed,
    { channel: MemoryChannel; listener: (r: PushReply) => void }
  >();

  constructor(
    private readonly transport: MemoryTransport,
    readonly request: ConnectRequest,
    readonly localAddress?: string,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  join(topic: string, params: unknown, handlers: TopicHandlers): Channel {
    this.joins.push({ topic, params: structuredClone(params) });
    // A second join of a topic replaces the first, as on a Phoenix server.
    for (const c of this.channels) if (c.topic === topic) c.state = "gone";
    const ch: MemoryChannel = { topic, handlers, state: this.open ? "joining" : "gone" };
    this.channels.push(ch);
    const joined = new Promise<unknown>((resolve, reject) => {
      if (!this.open) return reject(new JoinError("closed", "connection closed"));
      ch.settle = (outcome) => {
        if (ch.state !== "joining") return reject(new JoinError("closed", "connection closed"));
        if (outcome.status === "error") {
          ch.state = "gone";
          return reject(new JoinError("refused", `join ${topic} refused`, outcome.response));
        }
        ch.state = "joined";
        resolve(outcome.response ?? {});
      };
    });
    const outcome = this.transport.joinReply(topic, params);
    if (outcome !== "pending") queueMicrotask(() => ch.settle?.(outcome));
    return {
      topic,
      joined,
      push: (event, payload, onReply) => {
        if (!this.open || ch.state !== "joined") return false;
        const pushed = { topic, event, payload: structuredClone(payload) };
        this.pushed.push(pushed);
        if (onReply) this.replyListeners.set(pushed, { channel: ch, listener: onReply });
        const reply = this.transport.pushReply(topic, event, payload);
        if (reply) queueMicrotask(() => this.replyToPush(pushed, reply));
        return true;
      },
      leave: () => {
        const wasJoined = ch.state === "joined";
        ch.state = "gone";
        if (!wasJoined || !this.open) return Promise.resolve();
        this.leaves.push(topic);
        return new Promise<void>((resolve) => {
          ch.leaveAcked = resolve;
          if (this.transport.leaveReply(topic) === "ok") queueMicrotask(resolve);
        });
      },
    };
  }

  /** The server replies to `pushed` (one of `pushed`); false when the device would not hear it. */
  replyToPush(pushed: Pushed, reply: PushReply): boolean {
    const waiting = this.replyListeners.get(pushed);
    if (!waiting || !this.open || waiting.channel.state !== "joined") return false;
    this.replyListeners.delete(pushed);
    waiting.listener(reply);
    return true;
  }

  /** The server acknowledges every pending leave of `topic`. */
  ackLeave(topic: string): void {
    for (const c of this.channels) if (c.topic === topic) c.leaveAcked?.();
  }

  /** Answers the oldest pending join of `topic`. */
  replyToJoin(topic: string, outcome: Exclude<JoinOutcome, "pending">): void {
    const ch = this.channels.find((c) => c.topic === topic && c.state === "joining");
    if (!ch?.settle) throw new Error(`no pending join for ${topic}`);
    ch.settle(outcome);
  }

  onClose(listener: (info: CloseInfo) => void): void {
    this.closeListeners.push(listener);
  }

  onHeartbeat(listener: (rttMs: number) => void): void {
    this.heartbeatListeners.push(listener);
  }

  /** @internal Sends a heartbeat every `intervalMs` on `clock`; the peer answers each at once. */
  beat(clock: Clock, intervalMs: number): void {
    const tick = () => {
      if (!this.open) return;
      this.heartbeatAnswered(0);
      this.heartbeat = clock.setTimeout(tick, intervalMs);
    };
    this.heartbeat = clock.setTimeout(tick, intervalMs);
  }

  /** The server answers a heartbeat; the transport measured `rttMs`. */
  heartbeatAnswered(rttMs: number): void {
    if (!this.open) return;
    for (const l of this.heartbeatListeners) l(rttMs);
  }

  close(): void {
    this.closedByClient = true;
    this.shutdown();
  }

  /** The server pushes a message on a joined topic; false when nobody is joined there. */
  serverPush(topic: string, event: string, payload: unknown): boolean {
    const ch = this.live(topic);
    if (!ch) return false;
    ch.handlers.onMessage(event, payload);
    return true;
  }

  /** The server crashes a channel (`phx_error`). */
  crashChannel(topic: string, reason: unknown = { reason: "channel_crash" }): void {
    const ch = this.live(topic);
    if (!ch) throw new Error(`${topic} is not joined`);
    ch.state = "gone";
    ch.handlers.onError(reason);
  }

  /** The server leaves a channel (`phx_close`). */
  closeChannel(topic: string): void {
    const ch = this.live(topic);
    if (!ch) throw new Error(`${topic} is not joined`);
    ch.state = "gone";
    ch.handlers.onClose();
  }

  /** The server or the network ends the connection. */
  drop(info: CloseInfo = { kind: "remote", code: 1006, reason: "dropped" }): void {
    if (!this.open) return;
    this.shutdown();
    for (const l of this.closeListeners) l(info);
  }

  /** Pushes seen on `topic` (and `event`, if given). */
  pushesOn(topic: string, event?: string): Pushed[] {
    return this.pushed.filter((p) => p.topic === topic && (event === undefined || p.event === event));
  }

  /** Is `topic` joined right now? */
  isJoined(topic: string): boolean {
    return this.live(topic) !== undefined;
  }

  private live(topic: string): MemoryChannel | undefined {
    return this.open ? this.channels.find((c) => c.topic === topic && c.state === "joined") : undefined;
  }

  private shutdown(): void {
    this.open = false;
    this.heartbeat?.cancel();
    for (const c of this.channels) {
      if (c.state === "joining") c.state = "gone";
      c.settle?.({ status: "ok" });
      c.state = "gone";
      c.leaveAcked?.();
    }
  }
}
