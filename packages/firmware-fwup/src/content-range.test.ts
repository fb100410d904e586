import { describe, expect, it } from "vitest";
import { parseContentRange, rangeHeader } from "./content-range.js";

describe("Content-Range", () => {
  it("parses a range with or without a known total", () => {
    expect(parseContentRange("bytes 100-199/1000")).toEqual({ first: 100, last: 199, total: 1000 });
    expect(parseContentRange("bytes 0-0/*")).toEqual({ first: 0, last: 0, total: null });
    expect(parseContentRange(" bytes 100-199/1000 ")).toEqual({ first: 100, last: 199, total: 1000 });
  });

  it.each([
    undefined,
    "",
    "bytes */1000",
    "bytes 5-4/10",
    "bytes 0-10/10",
    "items 0-1/2",
    "bytes 0-1/2, 4-5/6",
    "x-bytes 0-1/2",
    "bytes 0-9007199254740993/*",
    "bytes 0-1/9007199254740993",
  ])("refuses %j", (h) => {
    expect(parseContentRange(h)).toBeNull();
  });

  it("builds Range headers: none from 0 to the end, open or closed otherwise", () => {
    expect(rangeHeader(0, undefined)).toBeUndefined();
    expect(rangeHeader(0, 99)).toBe("bytes=0-99");
    expect(rangeHeader(500, undefined)).toBe("bytes=500-");
  });
});
