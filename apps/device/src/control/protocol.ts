// The control socket's messages: one JSON object per line in each direction. The README has the
// full protocol with a worked exchange; this file is its single definition in code.

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

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses one line from a client. */
export function parseClientLine(line: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, code: "bad_json", message: "each line must be one JSON object" };
  }
  if (!isObject(json)) return { ok: false, code: "bad_json", message: "each line must be one JSON object" };
  const bad = (message: string): Parsed => ({ ok: false, code: "bad_message", message });
  switch (json.type) {
    case "hello":
      if (json.role !== "controller" && json.role !== "observer")
        return bad(`hello needs role "controller" or "observer"`);
      return { ok: true, message: { type: "hello", role: json.role } };
    case "request": {
      const id = json.id;
      if (typeof id !== "string" && typeof id !== "number")
        return bad("request needs an id (string or number)");
      if (json.command !== "status" && json.command !== "mark_valid" && json.command !== "reboot")
        return bad(`request command must be "status", "mark_valid" or "reboot"`);
      return { ok: true, message: { type: "request", id, command: json.command } };
    }
    case "answer": {
      if (typeof json.id !== "string") return bad("answer needs the question's id");
      const { type: _, id, ...answer } = json;
      return { ok: true, message: { type: "answer", id, answer } };
    }
    default:
      return bad(`unknown message type ${JSON.stringify(json.type) ?? "undefined"}`);
  }
}

type Checked<T> = { ok: true; answer: T } | { ok: false; message: string };

const optionalDelay = (a: Record<string, unknown>): number | undefined | false => {
  if (a.delay_ms === undefined) return undefined;
  return Number.isSafeInteger(a.delay_ms) && (a.delay_ms as number) > 0 ? (a.delay_ms as number) : false;
};

/** Checks an answer's fields against the question's kind. */
export function checkAnswer<K extends QuestionKind>(
  kind: K,
  a: Record<string, unknown>,
): Checked<AnswerFor<K>> {
  const delay = optionalDelay(a);
  if (delay === false) return { ok: false, message: "delay_ms must be a positive integer" };
  if (a.reason !== undefined && typeof a.reason !== "string")
    return { ok: false, message: "reason must be a string" };
  const reason = a.reason as string | undefined;
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
