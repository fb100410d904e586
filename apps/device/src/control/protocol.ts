// The control socket's messages: one JSON object per line in each direction. The README has the
// full protocol with a worked exchange; this file is its single definition in code.
import {
  absentOr,
  expecting,
  type FieldIssue,
  intRange,
  isRecord,
  num,
  object,
  oneOf,
  str,
  union,
} from "@nerves-hub-ts/protocol";

export const PROTOCOL_VERSION = 1;
/** Longer lines are refused: the socket is local, but a runaway client must not exhaust memory. */
export const MAX_LINE_BYTES = 64 * 1024;

export type Role = "controller" | "observer";
export type Command = "status" | "mark_valid" | "reboot";

export type UpdateAnswer =
  | { action: "apply" }
  | { action: "ignore"; reason?: string }
  | { action: "reschedule"; delay_ms?: number; reason?: string };

export type RebootAnswer = { action: "now" } | { action: "defer"; delay_ms?: number };

export type QuestionKind = "update_available" | "reboot";
export type AnswerFor<K extends QuestionKind> = K extends "update_available" ? UpdateAnswer : RebootAnswer;

/** Messages an application sends. */
export type ClientMessage =
  | { type: "hello"; role: Role }
  | { type: "request"; id: string | number; command: Command }
  | { type: "answer"; id: string; answer: Record<string, unknown> };

/** Messages the agent sends. */
export type AgentMessage =
  | { type: "welcome"; protocol: number; role: Role; status: unknown }
  | { type: "event"; event: string; at: string; [field: string]: unknown }
  | {
      type: "question";
      id: string;
      kind: QuestionKind;
      deadline_ms: number;
      /** What happens if no valid answer arrives in time. */
      fallback: UpdateAnswer | RebootAnswer;
      [detail: string]: unknown;
    }
  | { type: "accepted"; id: string }
  | { type: "expired"; id: string; applied: UpdateAnswer | RebootAnswer }
  | { type: "reply"; id: string | number; ok: true; result: unknown }
  | { type: "reply"; id: string | number; ok: false; error: { code: string; message: string } }
  | { type: "error"; code: ErrorCode; message: string; id?: string | number };

export type ErrorCode =
  | "bad_json"
  | "bad_message"
  | "line_too_long"
  | "controller_taken"
  | "already_greeted"
  | "not_controller"
  | "unknown_question"
  | "bad_answer";

type Parsed = { ok: true; message: ClientMessage } | { ok: false; code: ErrorCode; message: string };

// Each field's decoder carries the whole sentence a client sees when that field is wrong.
const HELLO = object({
  role: expecting(`hello needs role "controller" or "observer"`, oneOf(["controller", "observer"])),
});
const REQUEST = object({
  id: expecting("request needs an id (string or number)", union(str, num)),
  command: expecting(
    `request command must be "status", "mark_valid" or "reboot"`,
    oneOf(["status", "mark_valid", "reboot"]),
  ),
});
const ANSWER_ID = object({ id: expecting("answer needs the question's id", str) });
const ANSWER_FIELDS = object({
  delay_ms: absentOr(expecting("delay_ms must be a positive integer", intRange(1, Number.MAX_SAFE_INTEGER))),
  reason: absentOr(expecting("reason must be a string", str)),
});

/** Parses one line from a client. */
export function parseClientLine(line: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, code: "bad_json", message: "each line must be one JSON object" };
  }
  if (!isRecord(json)) return { ok: false, code: "bad_json", message: "each line must be one JSON object" };
  const bad = (issue: FieldIssue): Parsed => ({ ok: false, code: "bad_message", message: issue.expected });
  switch (json.type) {
    case "hello": {
      const r = HELLO(json, "");
      return r.ok ? { ok: true, message: { type: "hello", role: r.value.role } } : bad(r.error);
    }
    case "request": {
      const r = REQUEST(json, "");
      return r.ok ? { ok: true, message: { type: "request", ...r.value } } : bad(r.error);
    }
    case "answer": {
      const r = ANSWER_ID(json, "");
      if (!r.ok) return bad(r.error);
      const { type: _, id: __, ...answer } = json;
      return { ok: true, message: { type: "answer", id: r.value.id, answer } };
    }
    default:
      return {
        ok: false,
        code: "bad_message",
        message: `unknown message type ${JSON.stringify(json.type) ?? "undefined"}`,
      };
  }
}

type Checked<T> = { ok: true; answer: T } | { ok: false; message: string };

/** Checks an answer's fields against the question's kind. */
export function checkAnswer<K extends QuestionKind>(
  kind: K,
  a: Record<string, unknown>,
): Checked<AnswerFor<K>> {
  const fields = ANSWER_FIELDS(a, "");
  if (!fields.ok) return { ok: false, message: fields.error.expected };
  const { delay_ms: delay, reason } = fields.value;
  if (kind === "update_available") {
    switch (a.action) {
      case "apply":
        return { ok: true, answer: { action: "apply" } as AnswerFor<K> };
      case "ignore":
        return { ok: true, answer: compact({ action: "ignore", reason }) as AnswerFor<K> };
      case "reschedule":
        return {
          ok: true,
          answer: compact({ action: "reschedule", delay_ms: delay, reason }) as AnswerFor<K>,
        };
      default:
        return { ok: false, message: `update_available answers are "apply", "ignore" or "reschedule"` };
    }
  }
  switch (a.action) {
    case "now":
      return { ok: true, answer: { action: "now" } as AnswerFor<K> };
    case "defer":
      return { ok: true, answer: compact({ action: "defer", delay_ms: delay }) as AnswerFor<K> };
    default:
      return { ok: false, message: `reboot answers are "now" or "defer"` };
  }
}

/** Drops undefined fields, so answers echo exactly what was given. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
