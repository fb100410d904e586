import { describe, expect, it } from "vitest";
import { decodeSegment, parseRequestTarget } from "./request-target.js";

describe("parseRequestTarget", () => {
  it.each([
    ["/status/alive", "/status/alive", ""],
    ["/socket/websocket?vsn=2.0.0", "/socket/websocket", "?vsn=2.0.0"],
    ["//status/alive", "//status/alive", ""],
    ["/api/devices/a%20b?x={y}|z", "/api/devices/a%20b", "?x={y}|z"],
    ["http://hub.example:4000/firmware/a.fw?expires=1", "/firmware/a.fw", "?expires=1"],
  ])("reads %j", (target, pathname, search) => {
    expect(parseRequestTarget(target)).toMatchObject({ pathname, search });
  });

  it.each([
    undefined,
    "",
    "*",
    "//[",
    "/a[b]",
    "/%ZZ",
    "/x%E0%A4%A",
    "/?q=%",
    "/a#frag",
    "/?a#b",
    "http://[::1",
    "ftp://x/",
  ])("refuses %j", (target) => {
    expect(parseRequestTarget(target)).toBeUndefined();
  });
});

describe("decodeSegment", () => {
  it("decodes escapes and refuses those that are not UTF-8", () => {
    expect(decodeSegment("dev%2D1%20%C3%A9")).toBe("dev-1 é");
    expect(decodeSegment("%E0%A4")).toBeUndefined();
  });
});
