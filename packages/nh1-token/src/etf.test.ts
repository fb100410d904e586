import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeTerm, EtfError, encodeTerm, type Term } from "./etf.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const fromHex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const int = (value: number | bigint): Term => ({ type: "integer", value: BigInt(value) });

describe("encodeTerm", () => {
  it("encodes the NH1 payload canonically (term_to_binary of {binary, ms, 86400})", () => {
    const term: Term = {
      type: "tuple",
      value: [
        { type: "binary", value: new TextEncoder().encode("device-1234") },
        int(1700000000000),
        int(86400),
      ],
    };
    expect(hex(encodeTerm(term))).toBe("8368036d0000000b6465766963652d313233346e06000068e5cf8b016200015180");
  });

  it.each([
    [0, "8361" + "00"],
    [255, "8361ff"],
    [256, "836200000100"],
    [-1, "8362ffffffff"],
    [2 ** 31 - 1, "83627fffffff"],
    [2 ** 31, "836e040000000080"],
    [-(2 ** 31), "836280000000"],
    [-(2 ** 31) - 1, "836e040101000080"],
  ])("encodes the integer %d like term_to_binary", (value, expected) => {
    expect(hex(encodeTerm(int(value)))).toBe(expected);
  });

  it("uses LARGE_BIG_EXT beyond 255 magnitude bytes", () => {
    const bytes = encodeTerm(int(1n << 2048n));
    expect(bytes.subarray(0, 7)).toEqual(Uint8Array.from([131, 111, 0, 0, 1, 1, 0]));
    expect(decodeTerm(bytes)).toEqual(int(1n << 2048n));
  });
});

describe("decodeTerm", () => {
  it("reads STRING_EXT as a list of byte integers and an empty one as nil", () => {
    expect(decodeTerm(fromHex("836b00026869"))).toEqual({
      type: "list",
      value: [int(104), int(105)],
      tail: { type: "nil" },
    });
    expect(decodeTerm(fromHex("836b0000"))).toEqual({ type: "nil" });
  });

  it("reads every atom flavour; latin1 atoms map bytes to code points", () => {
    expect(decodeTerm(fromHex("836400026f6b"))).toEqual({ type: "atom", value: "ok" });
    expect(decodeTerm(fromHex("8373 01 e9".replaceAll(" ", "")))).toEqual({ type: "atom", value: "é" });
    expect(decodeTerm(fromHex("837300"))).toEqual({ type: "atom", value: "" });
    expect(decodeTerm(fromHex("83760002c3a9"))).toEqual({ type: "atom", value: "é" });
    expect(decodeTerm(fromHex("837702c3a9"))).toEqual({ type: "atom", value: "é" });
    // 0x80 is U+0080 in latin1, not the euro sign of windows-1252.
    expect(decodeTerm(fromHex("83730180"))).toEqual({ type: "atom", value: "\u0080" });
  });

  it("reads improper lists and large tuples", () => {
    expect(decodeTerm(fromHex("836c00000001610161 02".replaceAll(" ", "")))).toEqual({
      type: "list",
      value: [int(1)],
      tail: int(2),
    });
    expect(decodeTerm(fromHex("8369000000026101 6102".replaceAll(" ", "")))).toEqual({
      type: "tuple",
      value: [int(1), int(2)],
    });
  });

  it("reads a negative SMALL_BIG and NEW_FLOAT", () => {
    expect(decodeTerm(fromHex("836e020100ff"))).toEqual(int(-65280));
    expect(decodeTerm(fromHex("83463ff8000000000000"))).toEqual({ type: "float", value: 1.5 });
  });

  it("ignores bytes after the first term, like binary_to_term", () => {
    expect(decodeTerm(fromHex("836101ffff"))).toEqual(int(1));
  });

  it.each([
    ["NEW_FUN_EXT", "8370", "unsafe_term"],
    ["EXPORT_EXT", "837177066572 6c616e67770473656c666100".replaceAll(" ", ""), "unsafe_term"],
    ["FUN_EXT", "8375", "unsafe_term"],
    ["a fun inside a tuple", "83680261017100", "unsafe_term"],
    ["a pid", "83580000", "unsupported_tag"],
    ["a reference", "835a0000", "unsupported_tag"],
    ["a compressed term", "8350000000", "unsupported_tag"],
    ["a bit string", "834d0000000103ff", "unsupported_tag"],
    ["a wrong version byte", "8261 01".replaceAll(" ", ""), "bad_version"],
    ["an empty input", "", "truncated"],
    ["a short binary", "836d00000005616263", "truncated"],
    ["a tuple claiming more elements than bytes", "8369ffffffff", "truncated"],
    ["a list claiming more elements than bytes", "836cffffffff6a", "truncated"],
    ["an infinite float", "83467ff0000000000000", "bad_float"],
    ["invalid UTF-8 in an atom", "837701ff", "bad_atom"],
    ["an over-long atom", `8364012c${"61".repeat(300)}`, "bad_atom"],
  ])("refuses %s with EtfError %s", (_label, input, code) => {
    expect(() => decodeTerm(fromHex(input))).toThrow(expect.objectContaining({ name: "EtfError", code }));
  });

  it("refuses absurd nesting instead of overflowing the stack", () => {
    const nested = Uint8Array.from([131, ...Array.from({ length: 100_000 }, () => [104, 1]).flat(), 106]);
    expect(() => decodeTerm(nested)).toThrow(expect.objectContaining({ code: "too_deep" }));
  });
});

const termArbitrary: fc.Arbitrary<Term> = fc.letrec<{ term: Term }>((tie) => ({
  term: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.bigInt({ min: -(1n << 100n), max: 1n << 100n }).map((value): Term => ({ type: "integer", value })),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((value): Term => ({ type: "float", value })),
    fc.string({ unit: "grapheme", maxLength: 20 }).map((value): Term => ({ type: "atom", value })),
    fc.uint8Array({ maxLength: 20 }).map((value): Term => ({ type: "binary", value })),
    fc.constant<Term>({ type: "nil" }),
    fc.array(tie("term"), { maxLength: 4 }).map((value): Term => ({ type: "tuple", value })),
    fc
      .tuple(fc.array(tie("term"), { minLength: 1, maxLength: 4 }), tie("term"))
      .map(([value, tail]): Term => ({ type: "list", value, tail })),
    fc
      .array(fc.tuple(tie("term"), tie("term")), { maxLength: 3 })
      .map((value): Term => ({ type: "map", value })),
  ),
})).term;

describe("ETF properties", () => {
  it("decode(encode(term)) gives the term back", () => {
    fc.assert(
      fc.property(termArbitrary, (term) => {
        expect(decodeTerm(encodeTerm(term))).toEqual(term);
      }),
      { numRuns: 1000 },
    );
  });

  it("random bytes either decode or raise EtfError, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (tail) => {
        const bytes = Uint8Array.from([131, ...tail]);
        try {
          decodeTerm(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(EtfError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
