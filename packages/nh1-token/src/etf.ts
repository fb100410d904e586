// A small Erlang External Term Format codec: enough to write the NH1 token payload and to read
// back a token the way the hub does, refusing anything that could carry code.

/** An Erlang term, as far as this codec understands them. Integers are always bigints. */
export type Term =
  | { type: "integer"; value: bigint }
  | { type: "float"; value: number }
  | { type: "atom"; value: string }
  | { type: "binary"; value: Uint8Array }
  | { type: "tuple"; value: readonly Term[] }
  | { type: "nil" }
  /** A list; `tail` is `nil` for a proper list. */
  | { type: "list"; value: readonly Term[]; tail: Term }
  | { type: "map"; value: readonly (readonly [Term, Term])[] };

/** Why a binary was refused as an Erlang term. */
export type EtfErrorCode =
  | "bad_version"
  | "truncated"
  | "unsafe_term"
  | "unsupported_tag"
  | "bad_atom"
  | "bad_float"
  | "too_deep";

/** A typed error for an undecodable or refused term (or a term that cannot be encoded). */
export class EtfError extends Error {
  override readonly name = "EtfError";
  constructor(
    readonly code: EtfErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const VERSION = 131;
const TAG = {
  newFloat: 70,
  smallInteger: 97,
  integer: 98,
  atom: 100,
  smallTuple: 104,
  largeTuple: 105,
  nil: 106,
  string: 107,
  list: 108,
  binary: 109,
  smallBig: 110,
  largeBig: 111,
  newFun: 112,
  export: 113,
  map: 116,
  fun: 117,
  smallAtom: 115,
  atomUtf8: 118,
  smallAtomUtf8: 119,
} as const;

// Tags that decode to executable code; Plug.Crypto refuses them after decoding.
const EXECUTABLE_TAGS = new Set<number>([TAG.newFun, TAG.export, TAG.fun]);
// Erlang atoms hold at most 255 characters.
const MAX_ATOM_CHARS = 255;
// Bounds recursion so a hostile, deeply nested payload cannot exhaust the JS stack.
const MAX_DEPTH = 256;

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();
// Not TextDecoder("latin1"): that label means windows-1252, which remaps 0x80-0x9F.
const latin1 = { decode: (bytes: Uint8Array) => String.fromCharCode(...bytes) };
const utf8 = { decode: (bytes: Uint8Array) => utf8Decoder.decode(bytes) };

/**
 * Decodes one term like `:erlang.binary_to_term/1` followed by Plug.Crypto's non-executable check:
 * the version byte must be 131, and bytes after the first complete term are ignored (as
 * binary_to_term does). Throws EtfError for anything malformed, executable (funs, exports) or
 * outside the supported subset (pids, references, ports, bit strings, compressed terms...).
 */
export function decodeTerm(bytes: Uint8Array): Term {
  const reader = new Reader(bytes);
  if (reader.u8() !== VERSION) {
    throw new EtfError("bad_version", "not an Erlang external term (version byte is not 131)");
  }
  return reader.term(0);
}

class Reader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  term(depth: number): Term {
    if (depth > MAX_DEPTH) throw new EtfError("too_deep", `term nests deeper than ${MAX_DEPTH} levels`);
    const tag = this.u8();
    switch (tag) {
      case TAG.smallInteger:
        return { type: "integer", value: BigInt(this.u8()) };
      case TAG.integer:
        return { type: "integer", value: BigInt(this.i32()) };
      case TAG.smallBig:
        return { type: "integer", value: this.big(this.u8()) };
      case TAG.largeBig:
        return { type: "integer", value: this.big(this.u32()) };
      case TAG.newFloat: {
        this.need(8);
        const value = this.view.getFloat64(this.offset);
        this.offset += 8;
        if (!Number.isFinite(value)) throw new EtfError("bad_float", "float is not finite");
        return { type: "float", value };
      }
      case TAG.atom:
        return this.atom(this.u16(), latin1);
      case TAG.smallAtom:
        return this.atom(this.u8(), latin1);
      case TAG.atomUtf8:
        return this.atom(this.u16(), utf8);
      case TAG.smallAtomUtf8:
        return this.atom(this.u8(), utf8);
      case TAG.binary:
        return { type: "binary", value: this.take(this.u32()).slice() };
      case TAG.smallTuple:
        return { type: "tuple", value: this.elements(this.u8(), depth) };
      case TAG.largeTuple:
        return { type: "tuple", value: this.elements(this.u32(), depth) };
      case TAG.nil:
        return { type: "nil" };
      case TAG.string: {
        // STRING_EXT is how Erlang ships a list of bytes; it decodes to a list of integers.
        const chars = this.take(this.u16());
        if (chars.length === 0) return { type: "nil" };
        return {
          type: "list",
          value: [...chars].map((c) => ({ type: "integer", value: BigInt(c) })),
          tail: { type: "nil" },
        };
      }
      case TAG.list: {
        const value = this.elements(this.u32(), depth);
        return { type: "list", value, tail: this.term(depth + 1) };
      }
      case TAG.map: {
        const arity = this.u32();
        this.need(arity * 2);
        const value: [Term, Term][] = [];
        for (let i = 0; i < arity; i++) value.push([this.term(depth + 1), this.term(depth + 1)]);
        return { type: "map", value };
      }
      default:
        if (EXECUTABLE_TAGS.has(tag)) {
          throw new EtfError("unsafe_term", "the term contains a function, which is not safe to decode");
        }
        throw new EtfError("unsupported_tag", `unsupported external term tag ${tag}`);
    }
  }

  private elements(count: number, depth: number): Term[] {
    // Every element takes at least one byte, so a claimed count beyond the input is a lie.
    this.need(count);
    const out: Term[] = [];
    for (let i = 0; i < count; i++) out.push(this.term(depth + 1));
    return out;
  }

  private atom(length: number, decoder: { decode(bytes: Uint8Array): string }): Term {
    const raw = this.take(length);
    let value: string;
    try {
      value = decoder.decode(raw);
    } catch {
      throw new EtfError("bad_atom", "atom text is not valid UTF-8");
    }
    if ([...value].length > MAX_ATOM_CHARS) {
      throw new EtfError("bad_atom", "atom is longer than 255 characters");
    }
    return { type: "atom", value };
  }

  private big(length: number): bigint {
    const sign = this.u8();
    const digits = this.take(length);
    let value = 0n;
    for (let i = digits.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i] ?? 0);
    return sign === 0 ? value : -value;
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) throw new EtfError("truncated", "term ends early");
  }

  private take(count: number): Uint8Array {
    this.need(count);
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  private u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }

  private u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  private i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.offset);
    this.offset += 4;
    return value;
  }
}

/** Encodes a term the way `:erlang.term_to_binary/1` does for these types (lists always as LIST_EXT). */
export function encodeTerm(term: Term): Uint8Array {
  const out: number[] = [VERSION];
  write(out, term);
  return Uint8Array.from(out);
}

function write(out: number[], term: Term): void {
  switch (term.type) {
    case "integer":
      writeInteger(out, term.value);
      return;
    case "float": {
      if (!Number.isFinite(term.value)) throw new EtfError("bad_float", "cannot encode a non-finite float");
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, term.value);
      out.push(TAG.newFloat, ...bytes);
      return;
    }
    case "atom": {
      const bytes = utf8Encoder.encode(term.value);
      if ([...term.value].length > MAX_ATOM_CHARS) {
        throw new EtfError("bad_atom", "atom is longer than 255 characters");
      }
      if (bytes.length < 256) out.push(TAG.smallAtomUtf8, bytes.length, ...bytes);
      else out.push(TAG.atomUtf8, ...u16(bytes.length), ...bytes);
      return;
    }
    case "binary":
      out.push(TAG.binary, ...u32(term.value.length));
      for (const byte of term.value) out.push(byte);
      return;
    case "tuple":
      if (term.value.length < 256) out.push(TAG.smallTuple, term.value.length);
      else out.push(TAG.largeTuple, ...u32(term.value.length));
      for (const element of term.value) write(out, element);
      return;
    case "nil":
      out.push(TAG.nil);
      return;
    case "list":
      if (term.value.length > 0) {
        out.push(TAG.list, ...u32(term.value.length));
        for (const element of term.value) write(out, element);
      }
      write(out, term.tail);
      return;
    case "map":
      out.push(TAG.map, ...u32(term.value.length));
      for (const [key, value] of term.value) {
        write(out, key);
        write(out, value);
      }
      return;
  }
}

function writeInteger(out: number[], value: bigint): void {
  if (value >= 0n && value <= 255n) {
    out.push(TAG.smallInteger, Number(value));
  } else if (value >= -(2n ** 31n) && value < 2n ** 31n) {
    out.push(TAG.integer, ...u32(Number(BigInt.asUintN(32, value))));
  } else {
    // Magnitude as little-endian bytes behind a sign byte (SMALL_BIG up to 255 bytes).
    let magnitude = value < 0n ? -value : value;
    const digits: number[] = [];
    while (magnitude > 0n) {
      digits.push(Number(magnitude & 0xffn));
      magnitude >>= 8n;
    }
    if (digits.length < 256) out.push(TAG.smallBig, digits.length);
    else out.push(TAG.largeBig, ...u32(digits.length));
    out.push(value < 0n ? 1 : 0, ...digits);
  }
}

function u16(value: number): number[] {
  return [(value >>> 8) & 0xff, value & 0xff];
}

function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}
