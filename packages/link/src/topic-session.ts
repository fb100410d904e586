// One topic on the current connection: join, rejoin after `rejoinAfterMs` when the server errors
// the channel or refuses the join, and nothing when the server leaves it (device-client.md §9).
import type { Clock, TimerHandle } from "./ports/clock.js";
import { type Channel, type Connection, JoinError } from "./ports/transport.js";

export interface TopicSessionHooks {
  onMessage(event: string, payload: unknown): void;
  /** The join succeeded; `response` is the reply body. */
  onJoined(response: unknown): void;
  /** The joined channel went away: crashed (`error`, a rejoin follows) or left by the server. */
  onLost(how: "error" | "left", reason?: unknown): void;
  /** The join was refused or timed out; a rejoin follows. */
  onJoinFailed(error: JoinError): void;
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

  /** Joins on `conn` with `params`; a rejoin reuses the same params (as nerves_hub_link does). */
  join(conn: Connection, params: unknown): void {
    this.reset();
    this.conn = conn;
    this.params = params;
    this.rejoins = 0;
    this.attempt();
  }

  push(event: string, payload: unknown): boolean {
    return this.joinedNow && (this.channel?.push(event, payload) ?? false);
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

  private attempt(): void {
    const conn = this.conn;
    if (!conn) return;
    const gen = ++this.generation;
    const current = () => gen === this.generation;
    const channel = conn.join(this.topic, this.params, {
      onMessage: (event, payload) => {
        if (current()) this.hooks.onMessage(event, payload);
      },
      onError: (reason) => {
        if (!current()) return;
        this.lose();
        this.hooks.onLost("error", reason);
        this.scheduleRejoin();
      },
      onClose: () => {
        if (!current()) return;
        this.lose();
        this.hooks.onLost("left");
      },
    });
    this.channel = channel;
    channel.joined.then(
      (response) => {
        if (!current()) return;
        this.joinedNow = true;
        this.rejoins = 0;
        this.hooks.onJoined(response);
      },
      (e: unknown) => {
        if (!current()) return;
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
    const delay = delays[Math.min(this.rejoins, delays.length - 1)] as number;
    this.rejoins++;
    this.timer?.cancel();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.attempt();
    }, delay);
  }
}
