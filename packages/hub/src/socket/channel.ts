import type { Frame } from "@nerves-hub-ts/protocol";

/** The outcome of a join: the reply status and its `response`. */
export type JoinOutcome = { status: "ok" | "error"; response: unknown };

/** What a channel answers to a device message: nothing (the NervesHub norm) or a reply. */
export type InOutcome = undefined | { reply: { status: "ok" | "error"; response: unknown } };

/** Thrown inside a channel where the real server's channel process would crash (→ `phx_error`). */
export class ChannelCrash extends Error {
  override readonly name = "ChannelCrash";
}

/** One joined topic on a device connection. */
export interface Channel {
  join(params: unknown): JoinOutcome;
  /** Runs once the join reply is on the wire (post-join pushes). */
  afterJoin?(): void;
  handleIn(event: string, payload: unknown, frame: Frame): InOutcome;
  /** The channel stops: leave, crash, rejoin or disconnect. */
  terminate?(): void;
}
