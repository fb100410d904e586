import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64UrlDecode, base64UrlEncode } from "./base64url.js";

describe("base64url", () => {
  it("matches Node's base64url encoding and round-trips", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = base64UrlEncode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64url"));
        expect(base64UrlDecode(text)).toEqual(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it("accepts correct padding, as Elixir's decoder does with padding: false", () => {
    expect(base64UrlDecode("_3_-_A==")).toEqual(Uint8Array.from([255, 127, 254, 252]));
    expect(base64UrlDecode("_3_-_A")).toEqual(Uint8Array.from([255, 127, 254, 252]));
  });

  it("ignores non-zero leftover bits in the last character, as Elixir does", () => {
    expect(base64UrlDecode("QR")).toEqual(Uint8Array.from([0x41]));
  });

  it.each(["A", "AAAAA", "AA=", "AAA==", "A=AA", "AA+A", "AA/A", "AA A", "AA\nA", "é"])(
    "refuses %j",
    (text) => {
      expect(base64UrlDecode(text)).toBeUndefined();
    },
  );
});
