// One topic on the current connection: join, rejoin after `rejoinAfterMs` when the server errors
// the channel or refuses the join, and nothing when the server leaves it (device-client.md §9).
import type { Clock, TimerHandle } from "@nerves-hub-ts/ports";
import {
  type Channel,
  type Connection,
  JoinError,
  type PushReply,
  type TopicHandlers,
  timerDelayMs,
} from "@nerves-hub-ts/ports";

export interface TopicSessionHooks {
  onMessage(event: string, payload: unknown): void;
  /** The join succeeded; `response` is the reply body. */
  onJoined(response: unknown): void;
  /** The joined channel went away: crashed (`error`, a rejoin follows) or left by the server. */
  onLost(how: "error" | "left", reason?: unknown): void;
  /** The join was refused or timed out; a rejoin follows. */
  onJoinFailed(error: JoinError): void;
  /** Params for a rejoin on the same connection, from the previous ones (default: unchanged). */
  rejoinParams?(previous: unknown): unknown;
}

/** Keeps one topic joined on a connection, rejoining on the Clock. */
export class TopicSession {
  private channel?: Channel;
  private joinedNow = false;
  private conn?: Connection;
  private params: unknown;
  private timer?: TimerHandle;
  private rejoins = 0;
  private generation = 0;

  constructor(
    readonly topic: string,
    private readonly clock: Clock,
    private readonly rejoinAfterMs: number[],
    private readonly hooks: TopicSessionHooks,
  ) {}

  get joined(): boolean {
    return this.joinedNow;
  }

  /** Joins on `conn` with `params`; a rejoin reuses them unless the hooks refresh them. */
  join(conn: Connection, params: unknown): void {
    this.reset();
    this.conn = conn;
    this.params = params;
    this.rejoins = 0;
    this.attempt();
  }

  push(event: string, payload: unknown, onReply?: (reply: PushReply) => void): boolean {
    return this.joinedNow && (this.channel?.push(event, payload, onReply) ?? false);
  }

  /**
   * Leaves the joined channel (the server acknowledges or the connection ends) and forgets it, like
   * `reset`; nothing more is delivered. Resolves at once when nothing is joined.
   */
  leave(): Promise<void> {
    const channel = this.joinedNow ? this.channel : undefined;
    this.reset();
    return channel ? channel.leave() : Promise.resolve();
  }

  /** Forgets the channel and the connection, and cancels any pending rejoin. */
  reset(): void {
    this.generation++;
    this.timer?.cancel();
    this.timer = undefined;
    this.channel = undefined;
    this.joinedNow = false;
    this.conn = undefined;
  }

  /** @internal A message on the join of generation `gen`. */
  received(gen: number, event: string, payload: unknown): void {
    if (gen === this.generation) this.hooks.onMessage(event, payload);
  }

  /** @internal The server crashed the channel of join `gen`: rejoin later. */
  crashed(gen: number, reason: unknown): void {
    if (gen !== this.generation) return;
    this.lose();
    this.hooks.onLost("error", reason);
    this.scheduleRejoin();
  }

  /** @internal The server left the channel of join `gen`: no rejoin. */
  left(gen: number): void {
    if (gen !== this.generation) return;
    this.lose();
    this.hooks.onLost("left");
  }

  private attempt(): void {
    const conn = this.conn;
    if (!conn) return;
    const gen = ++this.generation;
    const channel = conn.join(this.topic, this.params, new JoinHandlers(this, gen));
    this.channel = channel;
    channel.joined.then(
      (response) => {
        if (gen !== this.generation) return;
        this.joinedNow = true;
        this.rejoins = 0;
        this.hooks.onJoined(response);
      },
      (e: unknown) => {
        if (gen !== this.generation) return;
        this.lose();
        const error = e instanceof JoinError ? e : new JoinError("refused", String(e));
        // A closed connection is the link's business; it reconnects and joins again.
        if (error.kind === "closed") return;
        this.hooks.onJoinFailed(error);
        this.scheduleRejoin();
      },
    );
  }

  private lose(): void {
    this.channel = undefined;
    this.joinedNow = false;
  }

  private scheduleRejoin(): void {
    const delays = this.rejoinAfterMs;
    const delay = timerDelayMs(delays[Math.min(this.rejoins, delays.length - 1)] as number);
    this.rejoins++;
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.hooks.rejoinParams) this.params = this.hooks.rejoinParams(this.params);
      this.attempt();
    }, delay);
  }
}

/**
 * What one join hands the transport: the session's handlers, quiet once the session has moved on
 * (reset or rejoined). A class, not closures: a fleet keeps thousands of joins alive.
 */
class JoinHandlers implements TopicHandlers {
  constructor(
    private readonly session: TopicSession,
    private readonly gen: number,
  ) {}

  onMessage(event: string, payload: unknown): void {
    this.session.received(this.gen, event, payload);
  }

  onError(reason: unknown): void {
    this.session.crashed(this.gen, reason);
  }

  onClose(): void {
    this.session.left(this.gen);
  }
}
