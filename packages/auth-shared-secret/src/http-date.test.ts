import { describe, expect, it } from "vitest";
import { parseHttpDate } from "./index.js";

// The parser lives in @nerves-hub-ts/link (tested there); this package keeps exporting it.
describe("parseHttpDate (re-exported from link)", () => {
  it("parses an IMF-fixdate and refuses one whose weekday does not match", () => {
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate("Mon, 06 Nov 1994 08:49:37 GMT")).toBeUndefined();
  });
});
