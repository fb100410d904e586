import { describe, expect, it } from "vitest";
import { absentOr, array, expecting, int, isRecord, optional, refine, str, strictObject } from "./decode.js";

describe("decoder combinators", () => {
  it("refine keeps values that pass the check and names what a failing one should be", () => {
    const positive = refine(int, (n) => n > 0, "a positive integer");
    expect(positive(3, "n")).toEqual({ ok: true, value: 3 });
    expect(positive(0, "n")).toEqual({ ok: false, error: { field: "n", expected: "a positive integer" } });
    expect(positive("3", "n")).toEqual({ ok: false, error: { field: "n", expected: "an integer" } });
  });

  it("expecting reports a failure deep inside at its own path", () => {
    const keys = expecting("a list of strings", array(str));
    expect(keys(["a", 3], "keys")).toEqual({
      ok: false,
      error: { field: "keys", expected: "a list of strings" },
    });
    expect(array(str)(["a", 3], "keys")).toMatchObject({ error: { field: "keys[1]" } });
  });

  it("absentOr lets a key be missing but, unlike optional, refuses null", () => {
    expect(absentOr(str)(undefined, "k")).toEqual({ ok: true, value: undefined });
    expect(absentOr(str)(null, "k")).toEqual({ ok: false, error: { field: "k", expected: "a string" } });
    expect(optional(str)(null, "k")).toEqual({ ok: true, value: undefined });
  });

  it("strictObject refuses a field its shape does not name", () => {
    const d = strictObject({ host: absentOr(str), socket: absentOr(strictObject({ url: absentOr(str) })) });
    expect(d({ host: "h", socket: { url: "u" } }, "")).toEqual({
      ok: true,
      value: { host: "h", socket: { url: "u" } },
    });
    expect(d({ hots: "h" }, "")).toEqual({
      ok: false,
      error: { field: "hots", expected: "no such field", unknownField: true },
    });
    expect(d({ socket: { ulr: "u" } }, "")).toMatchObject({
      error: { field: "socket.ulr", unknownField: true },
    });
    expect(d({ host: 1 }, "")).toEqual({ ok: false, error: { field: "host", expected: "a string" } });
  });

  it("isRecord is true for plain objects only", () => {
    expect([{}, { a: 1 }].every(isRecord)).toBe(true);
    expect([null, [], "x", 1, new Uint8Array(1), new Date(0)].some(isRecord)).toBe(false);
  });
});
