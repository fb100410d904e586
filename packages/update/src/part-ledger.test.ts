import { describe, expect, it } from "vitest";
import { classifyPartFile, PartLedger } from "./part-ledger.js";
import { planParts } from "./part-plan.js";

const h = (i: number) => String(i % 10).repeat(64);
/** A plan of `n` parts of 10 bytes, the last one `lastLength` long. */
const plan = (n: number, lastLength = 10) =>
  planParts({
    size: (n - 1) * 10 + lastLength,
    partSize: 10,
    partialsChecksums: Array.from({ length: n }, (_, i) => h(i)),
  });

describe("classifyPartFile", () => {
  const part = { index: 0, offset: 0, length: 10, sha256: null };
  it("checks full parts, resumes short ones, discards empty or oversized ones", () => {
    expect(classifyPartFile(part, 10)).toBe("check");
    expect(classifyPartFile(part, 4)).toBe("resume");
    expect(classifyPartFile(part, 0)).toBe("discard");
    expect(classifyPartFile(part, 11)).toBe("discard");
    expect(classifyPartFile({ ...part, length: null }, 11)).toBe("resume");
  });
});

describe("PartLedger", () => {
  it("asks for the whole file, open-ended, when nothing is kept", () => {
    expect(new PartLedger(plan(4)).missingSpans()).toEqual([{ first: 0, last: 3, start: 0, end: null }]);
  });

  it("resumes inside a short part and skips verified ones", () => {
    const l = new PartLedger(plan(5, 4));
    l.markVerified(0);
    l.markVerified(1);
    l.keep(2, 3);
    l.markVerified(4);
    expect(l.missingSpans()).toEqual([{ first: 2, last: 3, start: 23, end: 39 }]);
    expect(l.bytesKept()).toBe(10 + 10 + 3 + 4);
  });

  it("starts a new span at every part with kept bytes", () => {
    const l = new PartLedger(plan(4));
    l.keep(1, 2);
    l.keep(2, 5);
    expect(l.missingSpans()).toEqual([
      { first: 0, last: 0, start: 0, end: 9 },
      { first: 1, last: 1, start: 12, end: 19 },
      { first: 2, last: 3, start: 25, end: null },
    ]);
  });

  it("halves the longest run until there are enough spans for the concurrency", () => {
    const l = new PartLedger(plan(8));
    expect(l.missingSpans(3)).toEqual([
      { first: 0, last: 1, start: 0, end: 19 },
      { first: 2, last: 3, start: 20, end: 39 },
      { first: 4, last: 7, start: 40, end: null },
    ]);
    expect(l.missingSpans(20)).toHaveLength(8);
  });

  it("is complete when every part is verified, and then has nothing to fetch", () => {
    const l = new PartLedger(plan(2));
    l.markVerified(0);
    expect(l.complete()).toBe(false);
    l.markVerified(1);
    expect(l.complete()).toBe(true);
    expect(l.missingSpans(4)).toEqual([]);
  });

  it("counts verification failures and drops the part's bytes", () => {
    const l = new PartLedger(plan(2));
    l.keep(1, 10);
    expect(l.markFailed(1)).toBe(1);
    expect(l.markFailed(1)).toBe(2);
    expect(l.kept(1)).toBe(0);
    expect(l.failures(1)).toBe(2);
  });

  it("refuses impossible bookkeeping", () => {
    const l = new PartLedger(plan(2));
    expect(() => l.keep(0, 11)).toThrow(RangeError);
    expect(() => l.keep(5, 1)).toThrow(RangeError);
  });

  it("round-trips through JSON and refuses JSON that does not fit the plan", () => {
    const l = new PartLedger(plan(3));
    l.markVerified(0);
    l.keep(1, 4);
    const json = JSON.parse(JSON.stringify(l));
    const back = PartLedger.fromJSON(plan(3), json);
    expect(back?.toJSON()).toEqual(l.toJSON());
    expect(back?.missingSpans()).toEqual(l.missingSpans());
    expect(PartLedger.fromJSON(plan(4), json)).toBeNull();
    expect(PartLedger.fromJSON(plan(3), { kept: [0, 99, 0], verified: [] })).toBeNull();
    expect(PartLedger.fromJSON(plan(3), "x")).toBeNull();
    expect(PartLedger.fromJSON(plan(3), { kept: [0, 0, 0], verified: [7] })).toBeNull();
  });
});
