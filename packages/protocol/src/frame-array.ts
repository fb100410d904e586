import { FrameError } from "./errors.js";
import type { Frame } from "./frame.js";
import { err, ok, type Result } from "./result.js";

// Refs may arrive as integers (msgpack clients, older servers); both peers turn them into strings.
function ref(value: unknown, field: string): Result<string | null, FrameError> {
  if (value === null || value === undefined) return ok(null);
  if (typeof value === "string") return ok(value);
  if (typeof value === "number" && Number.isSafeInteger(value)) return ok(String(value));
  return err(new FrameError("bad_field", `${field} must be a string, an integer or null`, field));
}

/** Checks a decoded 5-element array and turns it into a Frame. */
export function frameFromArray(data: unknown): Result<Frame, FrameError> {
  if (!Array.isArray(data)) return err(new FrameError("not_array", "a frame must be an array"));
  if (data.length !== 5) {
    return err(new FrameError("wrong_arity", `a frame must have 5 elements, got ${data.length}`));
  }
  const [j, r, topic, event, payload] = data as unknown[];
  const joinRef = ref(j, "join_ref");
  if (!joinRef.ok) return joinRef;
  const msgRef = ref(r, "ref");
  if (!msgRef.ok) return msgRef;
  if (typeof topic !== "string") return err(new FrameError("bad_field", "topic must be a string", "topic"));
  if (typeof event !== "string") return err(new FrameError("bad_field", "event must be a string", "event"));
  return ok({ joinRef: joinRef.value, ref: msgRef.value, topic, event, payload });
}

export function frameToArray(f: Frame): [string | null, string | null, string, string, unknown] {
  return [f.joinRef, f.ref, f.topic, f.event, f.payload];
}
