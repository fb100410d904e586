import { FrameError } from "./errors.js";
import { type Frame, PhxEvent } from "./frame.js";
import { err, ok, type Result } from "./result.js";

/** Kinds of the Phoenix v2 binary frame (first byte). */
export const BinaryKind = { push: 0, reply: 1, broadcast: 2 } as const;

/** Who wrote the binary frame: a server push has no ref, a device push has one. */
export type BinarySender = "server" | "device";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const enc = new TextEncoder();

function bad(message: string): { ok: false; error: FrameError } {
  return err(new FrameError("bad_binary_frame", message));
}

/**
 * Decodes a v2 binary frame. Payload bytes become a Uint8Array (for a reply: `{status, response}`
 * with the bytes as `response`). Lengths are one byte each, so every string is at most 255 bytes.
 */
export function decodeBinaryFrame(
  bytes: Uint8Array,
  sender: BinarySender = "server",
): Result<Frame, FrameError> {
  if (bytes.length < 1) return bad("empty binary frame");
  const kind = bytes[0];
  let lengthCount: number;
  if (kind === BinaryKind.push) lengthCount = sender === "device" ? 4 : 3;
  else if (kind === BinaryKind.reply) lengthCount = 4;
  else if (kind === BinaryKind.broadcast) lengthCount = 2;
  else return bad(`unknown binary frame kind ${kind}`);
  if (bytes.length < 1 + lengthCount) return bad("binary frame header is truncated");
  const lengths = Array.from(bytes.subarray(1, 1 + lengthCount));
  const strings: string[] = [];
  let offset = 1 + lengthCount;
  for (const len of lengths) {
    if (offset + len > bytes.length) return bad("binary frame strings are truncated");
    try {
      strings.push(utf8.decode(bytes.subarray(offset, offset + len)));
    } catch {
      return bad("binary frame string is not valid UTF-8");
    }
    offset += len;
  }
  const data = bytes.slice(offset);
  const s = (i: number): string => strings[i] ?? "";
  if (kind === BinaryKind.push) {
    return sender === "device"
      ? ok({ joinRef: s(0) || null, ref: s(1) || null, topic: s(2), event: s(3), payload: data })
      : ok({ joinRef: s(0) || null, ref: null, topic: s(1), event: s(2), payload: data });
  }
  if (kind === BinaryKind.reply) {
    const status = s(3);
    if (status !== "ok" && status !== "error")
      return bad(`reply status must be ok or error, got "${status}"`);
    return ok({
      joinRef: s(0) || null,
      ref: s(1) || null,
      topic: s(2),
      event: PhxEvent.reply,
      payload: { status, response: data },
    });
  }
  return ok({ joinRef: null, ref: null, topic: s(0), event: s(1), payload: data });
}

/** Encodes a frame whose payload (or reply response) is raw bytes into the v2 binary format. */
export function encodeBinaryFrame(frame: Frame, sender: BinarySender = "device"): Uint8Array {
  const isReply = frame.event === PhxEvent.reply;
  const data = isReply ? (frame.payload as { response: Uint8Array }).response : (frame.payload as Uint8Array);
  let kind: number;
  let parts: string[];
  if (isReply) {
    kind = BinaryKind.reply;
    parts = [frame.joinRef ?? "", frame.ref ?? "", frame.topic, (frame.payload as { status: string }).status];
  } else if (frame.joinRef === null && frame.ref === null && sender === "server") {
    kind = BinaryKind.broadcast;
    parts = [frame.topic, frame.event];
  } else {
    kind = BinaryKind.push;
    parts =
      sender === "device"
        ? [frame.joinRef ?? "", frame.ref ?? "", frame.topic, frame.event]
        : [frame.joinRef ?? "", frame.topic, frame.event];
  }
  const encoded = parts.map((p) => enc.encode(p));
  for (const e of encoded)
    if (e.length > 255) throw new RangeError("binary frame strings are limited to 255 bytes");
  const head = 1 + encoded.length + encoded.reduce((n, e) => n + e.length, 0);
  const out = new Uint8Array(head + data.length);
  out[0] = kind;
  encoded.forEach((e, i) => {
    out[1 + i] = e.length;
  });
  let offset = 1 + encoded.length;
  for (const e of encoded) {
    out.set(e, offset);
    offset += e.length;
  }
  out.set(data, offset);
  return out;
}
