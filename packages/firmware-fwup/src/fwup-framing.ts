// fwup's `--framing` byte format (device-client.md §4.6, observed-tokens-and-fwup.md).
// Into fwup: each chunk is a u32 big-endian length then the bytes; a zero-length frame ends input.
// Out of fwup: records of u32be L | 2 ASCII type bytes | u16be code | L-4 bytes UTF-8 message,
// then on exit the unframed handshake 0x1A <exit status>.
import type { FwupMessage } from "@nerves-hub-ts/ports";

/** The frame that tells fwup the input is over. */
export const END_OF_INPUT: Uint8Array = new Uint8Array(4);

/** The 4-byte header that precedes a chunk of `length` bytes on fwup's stdin. */
export function frameHeader(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff)
    throw new RangeError("bad frame length");
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(length, 0);
  return header;
}

/** What fwup's stdout carries. */
export type FwupOutput =
  | { kind: "message"; message: FwupMessage }
  /** A record type this parser does not know (kept for logs). */
  | { kind: "unknown"; type: string; code: number; text: string }
  /** The exit handshake: fwup is done and waits for stdin to close. */
  | { kind: "handshake"; status: number };

/** fwup wrote something that is not the framed format. */
export class FwupProtocolError extends Error {
  override readonly name = "FwupProtocolError";
}

const HANDSHAKE = 0x1a;
/** Records are short status lines; anything this large means we are not reading fwup's framing. */
const MAX_RECORD = 1 << 20;

function toMessage(type: string, code: number, text: string): FwupOutput {
  switch (type) {
    case "PR":
      return { kind: "message", message: { type: "progress", percent: code } };
    case "OK":
      return { kind: "message", message: { type: "ok", code, text } };
    case "ER":
      return { kind: "message", message: { type: "error", code, text } };
    // Older fwup builds wrote WA for warnings (device-client.md §11.15); accept both.
    case "WN":
    case "WA":
      return { kind: "message", message: { type: "warning", code, text } };
    default:
      return { kind: "unknown", type, code, text };
  }
}

/** Incremental parser for fwup's stdout; feed it bytes as they arrive. */
export class FwupOutputParser {
  #buffer: Buffer = Buffer.alloc(0);
  #done = false;
  readonly #decoder = new TextDecoder();

  /** Parses what is complete so far; keeps a partial record for the next call. */
  push(bytes: Uint8Array): FwupOutput[] {
    if (this.#done) return [];
    this.#buffer = this.#buffer.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.#buffer, bytes]);
    const out: FwupOutput[] = [];
    for (;;) {
      const b = this.#buffer;
      // A frame length starts with 0x00 for any record under 16 MiB, so a leading 0x1A is the handshake.
      if (b.length >= 1 && b[0] === HANDSHAKE) {
        if (b.length < 2) break;
        out.push({ kind: "handshake", status: b[1] as number });
        this.#done = true;
        this.#buffer = Buffer.alloc(0);
        break;
      }
      if (b.length < 4) break;
      const length = b.readUInt32BE(0);
      if (length < 4 || length > MAX_RECORD) throw new FwupProtocolError(`bad fwup record length ${length}`);
      if (b.length < 4 + length) break;
      const type = b.toString("latin1", 4, 6);
      const code = b.readUInt16BE(6);
      const text = this.#decoder.decode(b.subarray(8, 4 + length));
      out.push(toMessage(type, code, text));
      this.#buffer = b.subarray(4 + length);
    }
    return out;
  }

  /** Bytes received that did not make a whole record (non-zero at exit means fwup was cut off). */
  get pending(): number {
    return this.#buffer.length;
  }
}

/** Encodes one output record (for the stand-in fwup and tests). */
export function encodeRecord(type: string, code: number, text = ""): Buffer {
  const message = Buffer.from(text, "utf8");
  const out = Buffer.alloc(8 + message.length);
  out.writeUInt32BE(4 + message.length, 0);
  out.write(type, 4, 2, "latin1");
  out.writeUInt16BE(code, 6);
  message.copy(out, 8);
  return out;
}
