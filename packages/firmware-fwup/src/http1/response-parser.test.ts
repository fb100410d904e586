import { firmwareBytes } from "@nerves-hub-ts/hub/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HttpParseError, type ResponseHead, ResponseParser } from "./response-parser.js";

const enc = new TextEncoder();
const bytesOf = (text: string) => enc.encode(text);
const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

interface Parsed {
  heads: ResponseHead[];
  body: Uint8Array;
  /** The body views as handed out, in order. */
  pieces: Uint8Array[];
  ends: number;
  /** Sink events in order: "head", "body", "end". */
  events: string[];
  parser: ResponseParser;
}

function recorder(): Parsed {
  const r: Omit<Parsed, "parser"> = { heads: [], body: new Uint8Array(), pieces: [], ends: 0, events: [] };
  const parser = new ResponseParser({
    head: (h) => {
      r.heads.push(h);
      r.events.push("head");
    },
    body: (b) => {
      r.pieces.push(b);
      r.events.push("body");
    },
    end: () => {
      r.ends += 1;
      r.events.push("end");
    },
  });
  return Object.assign(r, { parser });
}

/** Feeds the pushes in order (then finish() if asked) and collects what the sink saw. */
function parse(pushes: Uint8Array[], options: { finish?: boolean } = {}): Parsed {
  const r = recorder();
  for (const p of pushes) r.parser.push(p);
  if (options.finish) r.parser.finish();
  r.body = concat(r.pieces);
  return r;
}

/** The error thrown while feeding the pushes (and finish() if asked). */
function parseError(pushes: Uint8Array[], options: { finish?: boolean } = {}): unknown {
  try {
    parse(pushes, options);
  } catch (e) {
    return e;
  }
  throw new Error("expected the parser to throw");
}

function splitAt(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const cuts = [...new Set(points)].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(at, c));
    at = c;
  }
  out.push(bytes.subarray(at));
  return out;
}

function chunked(
  body: Uint8Array,
  sizes: number[],
  extras: { ext?: string; trailers?: string } = {},
): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  let i = 0;
  while (at < body.length) {
    const n = Math.min(Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? 1), body.length - at);
    i += 1;
    parts.push(
      bytesOf(`${n.toString(16)}${extras.ext ?? ""}\r\n`),
      body.subarray(at, at + n),
      bytesOf("\r\n"),
    );
    at += n;
  }
  parts.push(bytesOf(`0${extras.ext ?? ""}\r\n${extras.trailers ?? ""}\r\n`));
  return concat(parts);
}

const HELLO = bytesOf("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello");
const CHUNKED = bytesOf(
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
    '4;name=value;x="q"\r\nWiki\r\n' +
    "5\r\npedia\r\n" +
    "E\r\n in\r\n\r\nchunks.\r\n" +
    "0;last\r\nExpires: never\r\nX-Trailer: yes\r\n\r\n",
);
const CHUNKED_BODY = "Wikipedia in\r\n\r\nchunks.";
const UNTIL_CLOSE = bytesOf("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of this until the end");

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("ResponseParser framing", () => {
  it("reads a Content-Length body and ends", () => {
    const r = parse([HELLO]);
    expect(r.heads).toEqual([
      { status: 200, headers: { "content-length": "5", "content-type": "text/plain" } },
    ]);
    expect(text(r.body)).toBe("hello");
    expect(r.ends).toBe(1);
    expect(r.parser.done).toBe(true);
    expect(r.events).toEqual(["head", "body", "end"]);
  });

  it("is not done until the last Content-Length byte", () => {
    const r = parse([HELLO.subarray(0, HELLO.length - 1)]);
    expect(r.parser.done).toBe(false);
    expect(r.ends).toBe(0);
    expect(text(r.body)).toBe("hell");
    r.parser.push(HELLO.subarray(HELLO.length - 1));
    expect(r.parser.done).toBe(true);
    expect(r.ends).toBe(1);
  });

  it("hands body bytes on as views of the input, not copies", () => {
    const r = parse([HELLO]);
    expect(r.pieces).toHaveLength(1);
    expect(r.pieces[0]?.buffer).toBe(HELLO.buffer);
    expect(r.pieces[0]?.byteOffset).toBe(HELLO.length - 5);
  });

  it("reads a chunked body with chunk extensions and trailers", () => {
    const r = parse([CHUNKED]);
    expect(r.heads).toEqual([{ status: 200, headers: { "transfer-encoding": "chunked" } }]);
    expect(text(r.body)).toBe(CHUNKED_BODY);
    expect(r.ends).toBe(1);
    expect(r.parser.done).toBe(true);
  });

  it("is not done before the blank line after the trailers", () => {
    const r = parse([CHUNKED.subarray(0, CHUNKED.length - 2)]);
    expect(text(r.body)).toBe(CHUNKED_BODY);
    expect(r.parser.done).toBe(false);
    expect(r.ends).toBe(0);
    r.parser.push(CHUNKED.subarray(CHUNKED.length - 2));
    expect(r.parser.done).toBe(true);
  });

  it("accepts upper- and lower-case hex chunk sizes and whitespace before an extension", () => {
    const body = firmwareBytes(0x1ab, 7);
    const wire = concat([
      bytesOf("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1Ab ; ext\r\n"),
      body,
      bytesOf("\r\n0\r\n\r\n"),
    ]);
    const r = parse([wire]);
    expect(r.body).toEqual(body);
    expect(r.parser.done).toBe(true);
  });

  it("reads a body until the connection closes; finish() ends it", () => {
    const r = parse([UNTIL_CLOSE]);
    expect(r.heads).toEqual([{ status: 200, headers: { server: "old" } }]);
    expect(text(r.body)).toBe("all of this until the end");
    expect(r.ends).toBe(0);
    expect(r.parser.done).toBe(false);
    r.parser.push(bytesOf(" and more"));
    r.parser.finish();
    expect(r.ends).toBe(1);
    expect(r.parser.done).toBe(true);
    expect(text(concat(r.pieces))).toBe("all of this until the end and more");
    r.parser.finish();
    expect(r.ends).toBe(1);
  });

  it("ends an empty until-close body on finish()", () => {
    const r = parse([bytesOf("HTTP/1.1 200 OK\r\n\r\n")], { finish: true });
    expect(r.heads).toHaveLength(1);
    expect(r.body.length).toBe(0);
    expect(r.ends).toBe(1);
  });

  it("skips 100 Continue and 103 Early Hints before the real response", () => {
    const r = parse([
      bytesOf("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"),
      HELLO,
    ]);
    expect(r.heads).toEqual([
      { status: 200, headers: { "content-length": "5", "content-type": "text/plain" } },
    ]);
    expect(text(r.body)).toBe("hello");
    expect(r.ends).toBe(1);
  });

  it("ends at once on 204 and 304 even with a Content-Length, and on Content-Length: 0", () => {
    for (const head of [
      "HTTP/1.1 204 No Content\r\n\r\n",
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    ]) {
      const r = parse([bytesOf(head)]);
      expect(r.heads, head).toHaveLength(1);
      expect(r.parser.done, head).toBe(true);
      expect(r.ends, head).toBe(1);
      expect(r.events, head).toEqual(["head", "end"]);
      // Whatever follows is not this response's body.
      r.parser.push(bytesOf("garbage"));
      r.parser.finish();
      expect(r.pieces, head).toHaveLength(0);
      expect(r.ends, head).toBe(1);
    }
  });

  it("accepts a repeated identical Content-Length, in one header or in two", () => {
    for (const head of [
      "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n",
    ]) {
      const r = parse([bytesOf(`${head}helloEXTRA`)]);
      expect(text(r.body), head).toBe("hello");
      expect(r.parser.done, head).toBe(true);
    }
  });

  it("rejects conflicting or malformed Content-Length values", () => {
    for (const value of ["5, 6", "5,6", "-1", "abc", "0x10", "5 5", "", "1234567890123456"]) {
      const e = parseError([bytesOf(`HTTP/1.1 200 OK\r\nContent-Length: ${value}\r\n\r\n`)]);
      expect(e, value).toBeInstanceOf(HttpParseError);
      expect((e as Error).message, value).toContain("Content-Length");
    }
    const twice = parseError([bytesOf("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]);
    expect(twice).toBeInstanceOf(HttpParseError);
    expect((twice as Error).message).toBe("bad Content-Length 5, 6");
  });

  it("lets Transfer-Encoding: chunked win over Content-Length", () => {
    const wire = bytesOf(
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n0\r\n\r\n",
    );
    const r = parse([wire]);
    expect(text(r.body)).toBe("abcdef");
    expect(r.parser.done).toBe(true);
  });

  it("treats chunked as the final coding after another, case-insensitively", () => {
    const wire = bytesOf("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
    const r = parse([wire]);
    expect(text(r.body)).toBe("hi");
    expect(r.parser.done).toBe(true);
  });

  it("reads until close when the Transfer-Encoding is not chunked, ignoring Content-Length", () => {
    for (const te of ["gzip", "chunked, gzip", "identity"]) {
      const wire = bytesOf(
        `HTTP/1.1 200 OK\r\nTransfer-Encoding: ${te}\r\nContent-Length: 2\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
      );
      const r = parse([wire]);
      expect(r.parser.done, te).toBe(false);
      expect(text(r.body), te).toBe("3\r\nabc\r\n0\r\n\r\n");
      r.parser.finish();
      expect(r.ends, te).toBe(1);
    }
  });

  it("ignores bytes after the end of the response", () => {
    const r = parse([concat([HELLO, bytesOf("HTTP/1.1 200 OK\r\n\r\nmore")]), bytesOf("and more")]);
    expect(text(r.body)).toBe("hello");
    expect(r.heads).toHaveLength(1);
    expect(r.ends).toBe(1);
    const c = parse([concat([CHUNKED, bytesOf("trailing junk \x00\xff")])]);
    expect(text(c.body)).toBe(CHUNKED_BODY);
    expect(c.ends).toBe(1);
    c.parser.finish();
    expect(c.ends).toBe(1);
  });

  it("lower-cases header names, trims values and joins repeated headers with ', '", () => {
    const r = parse([
      bytesOf(
        "HTTP/1.1 200 OK\r\nX-Multi: a\r\nSet-Cookie: one=1\r\nx-multi:b \r\nSET-COOKIE:  two=2\r\n" +
          "Empty:\r\nContent-Length: 0\r\n\r\n",
      ),
    ]);
    expect(r.heads[0]?.headers).toEqual({
      "x-multi": "a, b",
      "set-cookie": "one=1, two=2",
      empty: "",
      "content-length": "0",
    });
    expect(Object.keys(r.heads[0]?.headers ?? {})).toEqual([
      "x-multi",
      "set-cookie",
      "empty",
      "content-length",
    ]);
  });

  it("keeps the status code and accepts a status line without a reason phrase", () => {
    expect(
      parse([bytesOf("HTTP/1.1 206 Partial Content\r\nContent-Length: 0\r\n\r\n")]).heads[0]?.status,
    ).toBe(206);
    expect(parse([bytesOf("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n")]).heads[0]?.status).toBe(404);
    expect(parse([bytesOf("HTTP/1.0 503 \r\nContent-Length: 0\r\n\r\n")]).heads[0]?.status).toBe(503);
  });

  it("accepts a head ended by bare LFs", () => {
    const r = parse([bytesOf("HTTP/1.1 200 OK\nContent-Length: 2\n\nok")]);
    expect(r.heads).toEqual([{ status: 200, headers: { "content-length": "2" } }]);
    expect(text(r.body)).toBe("ok");
  });

  it("handles a body of bytes that look like CR and LF", () => {
    const body = bytesOf("\r\n\r\n\r\n\n\n");
    const r = parse([concat([bytesOf(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body])]);
    expect(r.body).toEqual(body);
    expect(r.parser.done).toBe(true);
  });
});

describe("ResponseParser across push boundaries", () => {
  const cases: { name: string; wire: Uint8Array; body: string; finish: boolean }[] = [
    { name: "Content-Length", wire: HELLO, body: "hello", finish: false },
    { name: "chunked", wire: CHUNKED, body: CHUNKED_BODY, finish: false },
    { name: "until close", wire: UNTIL_CLOSE, body: "all of this until the end", finish: true },
    {
      name: "interim then chunked",
      wire: concat([bytesOf("HTTP/1.1 100 Continue\r\n\r\n"), CHUNKED]),
      body: CHUNKED_BODY,
      finish: false,
    },
    {
      name: "bare LF head",
      wire: bytesOf("HTTP/1.1 200 OK\nX: 1\nContent-Length: 3\n\nabc"),
      body: "abc",
      finish: false,
    },
  ];

  for (const c of cases) {
    it(`gives the same head and body for a ${c.name} response split at every byte boundary`, () => {
      const whole = parse([c.wire], { finish: c.finish });
      expect(text(whole.body)).toBe(c.body);
      expect(whole.ends).toBe(1);
      for (let cut = 0; cut <= c.wire.length; cut++) {
        const r = parse([c.wire.subarray(0, cut), c.wire.subarray(cut)], { finish: c.finish });
        expect(r.heads, `cut at ${cut}`).toEqual(whole.heads);
        expect(text(r.body), `cut at ${cut}`).toBe(c.body);
        expect(r.ends, `cut at ${cut}`).toBe(1);
      }
      for (let a = 1; a < c.wire.length; a++) {
        for (let b = a + 1; b < c.wire.length; b++) {
          const r = parse(splitAt(c.wire, [a, b]), { finish: c.finish });
          expect(r.heads, `cuts at ${a}, ${b}`).toEqual(whole.heads);
          expect(text(r.body), `cuts at ${a}, ${b}`).toBe(c.body);
        }
      }
    });

    it(`gives the same head and body for a ${c.name} response fed one byte at a time`, () => {
      const whole = parse([c.wire], { finish: c.finish });
      const pushes = Array.from({ length: c.wire.length }, (_, i) => c.wire.subarray(i, i + 1));
      const r = parse(pushes, { finish: c.finish });
      expect(r.heads).toEqual(whole.heads);
      expect(text(r.body)).toBe(c.body);
      expect(r.ends).toBe(1);
    });
  }

  it("finds the end of the head when the CRLFCRLF itself is split in every way", () => {
    const head = "HTTP/1.1 200 OK\r\nContent-Length: 3";
    for (const split of [
      ["\r", "\n\r\n"],
      ["\r\n", "\r\n"],
      ["\r\n\r", "\n"],
      ["\r", "\n", "\r", "\n"],
    ]) {
      const pushes = [bytesOf(head), ...split.map(bytesOf), bytesOf("abc")];
      const r = parse(pushes);
      expect(r.heads, JSON.stringify(split)).toEqual([{ status: 200, headers: { "content-length": "3" } }]);
      expect(text(r.body), JSON.stringify(split)).toBe("abc");
    }
  });

  it("does not take a CR LF pair split over pushes inside the head for its end", () => {
    // "\r\n" then "X: 1\r\n" must not look like "\n\r\n" across the boundary.
    const r = parse([
      bytesOf("HTTP/1.1 200 OK\r\n"),
      bytesOf("X: 1\r\n"),
      bytesOf("Content-Length: 1\r\n\r\nz"),
    ]);
    expect(r.heads).toEqual([{ status: 200, headers: { x: "1", "content-length": "1" } }]);
    expect(text(r.body)).toBe("z");
  });

  it("does not carry the head-end search state from an interim response into the next head", () => {
    const r = parse([bytesOf("HTTP/1.1 100 Continue\r\n\r\n"), bytesOf("\r\nHTTP/1.1 200 OK\r\n")]);
    // Had the search kept the interim head's "\r\n\r\n", the stray "\r\n" would end an empty
    // head at once and fail as a bad status line; with it reset, no head is complete yet.
    expect(r.heads).toEqual([]);
  });

  it("copies an incomplete head or chunk-size line, so the caller may reuse its buffer", () => {
    const wire = bytesOf(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Long: abcdefgh\r\n\r\n1f;e=v\r\n",
    );
    const data = firmwareBytes(0x1f, 3);
    const r = recorder();
    // One buffer, refilled for every push the way a socket read buffer is.
    const buffer = new Uint8Array(7);
    for (let at = 0; at < wire.length; at += buffer.length) {
      const n = Math.min(buffer.length, wire.length - at);
      buffer.set(wire.subarray(at, at + n));
      r.parser.push(buffer.subarray(0, n));
      buffer.fill(0x41);
    }
    expect(r.heads).toEqual([
      { status: 200, headers: { "transfer-encoding": "chunked", "x-long": "abcdefgh" } },
    ]);
    r.parser.push(concat([data, bytesOf("\r\n0\r\n\r\n")]));
    expect(concat(r.pieces)).toEqual(data);
    expect(r.parser.done).toBe(true);
  });

  it("reassembles any framing of any body split anywhere (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 600 }),
        fc.constantFrom("length", "chunked", "close"),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.boolean(),
        (body, framing, sizes, cuts, interim) => {
          const head =
            framing === "length"
              ? `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`
              : framing === "chunked"
                ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                : "HTTP/1.1 200 OK\r\n\r\n";
          const payload = framing === "chunked" ? chunked(body, sizes, { trailers: "T: 1\r\n" }) : body;
          const wire = concat([
            bytesOf(interim ? "HTTP/1.1 100 Continue\r\n\r\n" : ""),
            bytesOf(head),
            payload,
          ]);
          const pushes = splitAt(
            wire,
            cuts.map((c) => c % (wire.length + 1)),
          );
          const r = parse(pushes, { finish: framing === "close" });
          expect(r.heads).toHaveLength(1);
          expect(r.heads[0]?.status).toBe(200);
          expect(Buffer.compare(r.body, body)).toBe(0);
          expect(r.ends).toBe(1);
          expect(r.parser.done).toBe(true);
          // Every piece is a view of some push, never a copy.
          for (const p of r.pieces) expect(pushes.some((q) => q.buffer === p.buffer)).toBe(true);
          expect(r.pieces.every((p) => p.length > 0)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it("reassembles a 1 MiB chunked body fed in odd-sized pushes", () => {
    const body = firmwareBytes(1024 * 1024 + 17, 99);
    const wire = concat([
      bytesOf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
      chunked(body, [65536, 1, 3000, 100_000, 7]),
    ]);
    const pushes: Uint8Array[] = [];
    for (let at = 0, i = 0; at < wire.length; i++) {
      const n = [1, 4093, 65536, 13, 262144][i % 5] as number;
      pushes.push(wire.subarray(at, at + n));
      at += n;
    }
    const r = parse(pushes);
    expect(Buffer.compare(r.body, body)).toBe(0);
    expect(r.parser.done).toBe(true);
  });
});

describe("ResponseParser errors", () => {
  const expectParseError = (e: unknown, message: string | RegExp) => {
    expect(e).toBeInstanceOf(HttpParseError);
    expect((e as Error).name).toBe("HttpParseError");
    if (typeof message === "string") expect((e as Error).message).toBe(message);
    else expect((e as Error).message).toMatch(message);
  };

  it("rejects a status line that is not HTTP/1.x", () => {
    for (const line of [
      "SSH-2.0-OpenSSH_9.6",
      "HTTP/2 200",
      "HTTP/1.1 20 OK",
      "HTTP/1.1 2000 OK",
      "http/1.1 200 OK",
    ]) {
      expectParseError(parseError([bytesOf(`${line}\r\n\r\n`)]), /^not an HTTP\/1\.1 status line: /);
    }
    expectParseError(
      parseError([bytesOf("<html>hello</html>\r\n\r\n")]),
      'not an HTTP/1.1 status line: "<html>hello</html>"',
    );
  });

  it("rejects a malformed header line", () => {
    for (const line of ["no colon here", ": empty name", "Bad Name: x", "Tab\tName: x", " Folded: x"]) {
      expectParseError(
        parseError([bytesOf(`HTTP/1.1 200 OK\r\n${line}\r\n\r\n`)]),
        `malformed header line: ${JSON.stringify(line)}`,
      );
    }
  });

  it("rejects a head over 64 KiB, whether it comes in one push or many", () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`;
    expectParseError(parseError([bytesOf(big)]), "response head too large");
    const pushes = splitAt(
      bytesOf(big),
      Array.from({ length: 100 }, (_, i) => i * 1000),
    );
    expectParseError(parseError(pushes), "response head too large");
    // Without a terminator it fails as soon as the limit is passed, not when the head ends.
    const r = recorder();
    r.parser.push(bytesOf("HTTP/1.1 200 OK\r\n"));
    let thrown: unknown;
    try {
      for (let i = 0; i < 100; i++) r.parser.push(bytesOf("X: ".padEnd(1024, "b")));
    } catch (e) {
      thrown = e;
    }
    expectParseError(thrown, "response head too large");
  });

  it("accepts a head just under 64 KiB", () => {
    const prefix = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Big: ";
    const head = `${prefix}${"a".repeat(64 * 1024 - prefix.length - 4)}\r\n\r\n`;
    expect(head.length).toBe(64 * 1024);
    const r = parse(splitAt(bytesOf(head), [1, 5000, 40000]));
    expect(r.heads).toHaveLength(1);
    expect(r.parser.done).toBe(true);
  });

  it("rejects a bad chunk size", () => {
    for (const size of ["zz", "", "-1", "0x10", "1234567890abc", "+5"]) {
      const e = parseError([bytesOf(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${size}\r\n`)]);
      expectParseError(e, `bad chunk size ${JSON.stringify(size)}`);
    }
  });

  it("rejects an over-long chunk-size line", () => {
    const e = parseError([
      bytesOf(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;${"x".repeat(5000)}`),
    ]);
    expectParseError(e, "line too long");
  });

  it("rejects chunk data not followed by CRLF", () => {
    const e = parseError([
      bytesOf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n"),
    ]);
    expectParseError(e, "chunk not followed by CRLF");
    // The same when the data and the bad byte arrive separately.
    const split = parseError([
      bytesOf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc"),
      bytesOf("X\r\n"),
    ]);
    expectParseError(split, "chunk not followed by CRLF");
  });

  it("fails finish() before the body ended", () => {
    expectParseError(
      parseError([HELLO.subarray(0, HELLO.length - 1)], { finish: true }),
      "connection closed before the body ended",
    );
    expectParseError(
      parseError([CHUNKED.subarray(0, CHUNKED.length - 1)], { finish: true }),
      "connection closed before the body ended",
    );
    expectParseError(
      parseError([bytesOf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")], { finish: true }),
      "connection closed before the body ended",
    );
  });

  it("fails finish() before the head", () => {
    expectParseError(parseError([], { finish: true }), "connection closed before the response head");
    expectParseError(
      parseError([bytesOf("HTTP/1.1 200 OK\r\nContent-Le")], { finish: true }),
      "connection closed before the response head",
    );
    expectParseError(
      parseError([bytesOf("HTTP/1.1 100 Continue\r\n\r\n")], { finish: true }),
      "connection closed before the response head",
    );
  });

  it("finish() after a complete response is harmless", () => {
    const r = parse([HELLO], { finish: true });
    expect(r.ends).toBe(1);
    expect(text(r.body)).toBe("hello");
  });
});
