/**
 * A Phoenix channels v2 frame: `[join_ref, ref, topic, event, payload]`.
 * Refs are decimal strings or null; broadcasts carry null refs.
 */
export interface Frame {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** Phoenix's reserved events. */
export const PhxEvent = {
  join: "phx_join",
  leave: "phx_leave",
  reply: "phx_reply",
  error: "phx_error",
  close: "phx_close",
  heartbeat: "heartbeat",
} as const;

/** The topic heartbeats travel on. */
export const HEARTBEAT_TOPIC = "phoenix";

/** The body of a `phx_reply` frame. */
export interface ReplyPayload {
  status: "ok" | "error";
  response: unknown;
}

export function replyFrame(to: Frame, status: "ok" | "error", response: unknown): Frame {
  return {
    joinRef: to.joinRef,
    ref: to.ref,
    topic: to.topic,
    event: PhxEvent.reply,
    payload: { status, response },
  };
}

export function isReplyPayload(p: unknown): p is ReplyPayload {
  if (typeof p !== "object" || p === null) return false;
  const status = (p as { status?: unknown }).status;
  return (status === "ok" || status === "error") && "response" in p;
}
