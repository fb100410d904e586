import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseHttpDate } from "./http-date.js";

describe("parseHttpDate", () => {
  it("parses the RFC 9110 example", () => {
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it("tolerates surrounding whitespace from a header value", () => {
    expect(parseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT ")).toBe(784111777000);
  });

  it("reads back any date that Date#toUTCString writes (IMF-fixdate)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), (seconds) => {
        expect(parseHttpDate(new Date(seconds * 1000).toUTCString())).toBe(seconds * 1000);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    "",
    "garbage",
    "Sunday, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 1994",
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "Sun, 6 Nov 1994 08:49:37 GMT",
    "sun, 06 nov 1994 08:49:37 GMT",
    "Mon, 06 Nov 1994 08:49:37 GMT",
    "Thu, 30 Feb 2023 08:49:37 GMT",
    "Sun, 06 Foo 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 24:00:00 GMT",
    "Sun, 06 Nov 1994 08:60:00 GMT",
    "1994-11-06T08:49:37Z",
  ])("returns undefined for %j", (value) => {
    expect(parseHttpDate(value)).toBeUndefined();
  });
});
