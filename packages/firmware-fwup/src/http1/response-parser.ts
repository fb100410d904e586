// An incremental HTTP/1.1 response parser for downloads: the status line and headers, then a body
// framed by Content-Length, chunked transfer coding, or the end of the connection (RFC 9112 §6).
// Body bytes are handed on as views of the input, never copied.

/** A response the parser cannot make sense of; the connection is unusable after it. */
export class HttpParseError extends Error {
  override name = "HttpParseError";
}

export interface ResponseHead {
  status: number;
  /** Lower-case names; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
}

export interface ParserSink {
  head(head: ResponseHead): void;
  body(bytes: Uint8Array): void;
  end(): void;
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 4096;
const CR = 13;
const LF = 10;

type State =
  | { kind: "head" }
  | { kind: "length"; left: number }
  | { kind: "chunk-size" }
  | { kind: "chunk-data"; left: number }
  | { kind: "chunk-end" }
  | { kind: "trailers" }
  | { kind: "until-close" }
  | { kind: "done" };

const decoder = new TextDecoder("latin1");

export class ResponseParser {
  readonly #sink: ParserSink;
  #state: State = { kind: "head" };
  /** Bytes of an incomplete head or line, kept across pushes. */
  #partial: Uint8Array[] = [];
  #partialBytes = 0;
  /** The two bytes before the next one while looking for the end of the head. */
  #prev1 = 0;
  #prev2 = 0;

  constructor(sink: ParserSink) {
    this.#sink = sink;
  }

  /** True once the whole body has been seen. */
  get done(): boolean {
    return this.#state.kind === "done";
  }

  /** Parses the next bytes from the connection. Bytes after the end of the response are ignored. */
  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      const s = this.#state;
      switch (s.kind) {
        case "head":
          at = this.#readHead(bytes, at);
          break;
        case "length":
        case "chunk-data": {
          const n = Math.min(s.left, bytes.length - at);
          this.#sink.body(bytes.subarray(at, at + n));
          at += n;
          s.left -= n;
          if (s.left === 0) this.#finishPart(s.kind);
          break;
        }
        case "until-close":
          this.#sink.body(at === 0 ? bytes : bytes.subarray(at));
          return;
        case "chunk-size":
        case "chunk-end":
        case "trailers": {
          const line = this.#readLine(bytes, at, MAX_LINE_BYTES);
          if (line === undefined) return;
          at = line.next;
          this.#onLine(s.kind, line.text);
          break;
        }
        case "done":
          return;
      }
    }
  }

  /** The connection ended: completes a body that runs until the close, or fails an unfinished one. */
  finish(): void {
    const s = this.#state;
    if (s.kind === "done") return;
    if (s.kind === "until-close") {
      this.#end();
      return;
    }
    throw new HttpParseError(
      s.kind === "head"
        ? "connection closed before the response head"
        : "connection closed before the body ended",
    );
  }

  #readHead(bytes: Uint8Array, at: number): number {
    const end = this.#findHeadEnd(bytes, at);
    if (end === -1) {
      this.#keep(bytes.subarray(at), MAX_HEAD_BYTES, "response head too large");
      return bytes.length;
    }
    this.#keep(bytes.subarray(at, end), MAX_HEAD_BYTES, "response head too large");
    const text = decoder.decode(this.#takePartial());
    this.#onHead(parseHead(text));
    return end;
  }

  /** Just past the blank line that ends the head (CRLFCRLF, or a lenient LFLF), or -1. */
  #findHeadEnd(bytes: Uint8Array, at: number): number {
    for (let i = at; i < bytes.length; i++) {
      const b = bytes[i] as number;
      const found = b === LF && (this.#prev1 === LF || (this.#prev1 === CR && this.#prev2 === LF));
      this.#prev2 = this.#prev1;
      this.#prev1 = b;
      if (found) {
        this.#prev1 = this.#prev2 = 0;
        return i + 1;
      }
    }
    return -1;
  }

  #onHead(head: ResponseHead): void {
    // Interim answers (100 Continue, 103 Early Hints) come before the real one.
    if (head.status >= 100 && head.status < 200) return;
    this.#sink.head(head);
    const te = head.headers["transfer-encoding"];
    const length = head.headers["content-length"];
    if (head.status === 204 || head.status === 304) this.#end();
    else if (te !== undefined)
      this.#state = /(^|,)\s*chunked\s*$/i.test(te) ? { kind: "chunk-size" } : { kind: "until-close" };
    else if (length !== undefined) {
      const left = parseLength(length);
      if (left === 0) this.#end();
      else this.#state = { kind: "length", left };
    } else this.#state = { kind: "until-close" };
  }

  #onLine(kind: "chunk-size" | "chunk-end" | "trailers", text: string): void {
    if (kind === "chunk-end") {
      if (text !== "") throw new HttpParseError("chunk not followed by CRLF");
      this.#state = { kind: "chunk-size" };
    } else if (kind === "chunk-size") {
      const hex = (text.split(";")[0] ?? "").trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(hex))
        throw new HttpParseError(`bad chunk size ${JSON.stringify(text)}`);
      const left = Number.parseInt(hex, 16);
      this.#state = left === 0 ? { kind: "trailers" } : { kind: "chunk-data", left };
    } else if (text === "") this.#end();
  }

  #finishPart(kind: "length" | "chunk-data"): void {
    if (kind === "length") this.#end();
    else this.#state = { kind: "chunk-end" };
  }

  #end(): void {
    this.#state = { kind: "done" };
    this.#sink.end();
  }

  /** A CRLF- (or LF-) terminated line starting at `at`, or undefined while it is incomplete. */
  #readLine(bytes: Uint8Array, at: number, max: number): { text: string; next: number } | undefined {
    const lf = bytes.indexOf(LF, at);
    if (lf === -1) {
      this.#keep(bytes.subarray(at), max, "line too long");
      return undefined;
    }
    this.#keep(bytes.subarray(at, lf), max, "line too long");
    let line = this.#takePartial();
    if (line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    return { text: decoder.decode(line), next: lf + 1 };
  }

  #keep(bytes: Uint8Array, max: number, what: string): void {
    if (this.#partialBytes + bytes.length > max) throw new HttpParseError(what);
    if (bytes.length === 0) return;
    this.#partial.push(bytes.slice());
    this.#partialBytes += bytes.length;
  }

  #takePartial(): Uint8Array {
    const out = new Uint8Array(this.#partialBytes);
    let at = 0;
    for (const p of this.#partial) {
      out.set(p, at);
      at += p.length;
    }
    this.#partial = [];
    this.#partialBytes = 0;
    return out;
  }
}

function parseHead(text: string): ResponseHead {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  const statusLine = lines[0] ?? "";
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!m) throw new HttpParseError(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0 || /\s/.test(line.slice(0, colon)))
      throw new HttpParseError(`malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(m[1]), headers };
}

/** Content-Length, allowing a repeated identical value ("5, 5") but nothing ambiguous. */
function parseLength(value: string): number {
  const values = new Set(value.split(",").map((v) => v.trim()));
  const only = values.size === 1 ? [...values][0] : undefined;
  if (only === undefined || !/^\d{1,15}$/.test(only)) throw new HttpParseError(`bad Content-Length ${value}`);
  return Number(only);
}
