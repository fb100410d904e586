import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planParts } from "./part-plan.js";
import { PartSplitter } from "./part-splitter.js";

const plan = planParts({
  size: 25,
  partSize: 10,
  partialsChecksums: ["1", "2", "3"].map((c) => c.repeat(64)),
});
const bytes = (from: number, to: number) => Uint8Array.from({ length: to - from }, (_, i) => from + i);

describe("PartSplitter", () => {
  it("cuts at part boundaries and marks the sealing pieces", () => {
    const s = new PartSplitter(plan, 7);
    const pieces = s.split(bytes(7, 22)).map((p) => ({ ...p, bytes: [...p.bytes] }));
    expect(pieces).toEqual([
      { index: 0, at: 7, bytes: [7, 8, 9], seals: true },
      { index: 1, at: 0, bytes: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], seals: true },
      { index: 2, at: 0, bytes: [20, 21], seals: false },
    ]);
    expect(s.position).toBe(22);
    expect(s.split(bytes(22, 25)).map((p) => [p.index, p.at, p.seals])).toEqual([[2, 2, true]]);
  });

  it("refuses bytes past the end of the file", () => {
    const s = new PartSplitter(plan, 24);
    expect(() => s.split(bytes(24, 26))).toThrow(RangeError);
  });

  it("reassembles any chunking of the file exactly", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1 }),
        fc.integer({ min: 0, max: 24 }),
        (cuts, start) => {
          const s = new PartSplitter(plan, start);
          const got: number[] = [];
          let at = start;
          for (const n of cuts) {
            const end = Math.min(25, at + n);
            if (end === at) break;
            for (const p of s.split(bytes(at, end))) {
              const part = plan.parts[p.index];
              expect(p.at + (part?.offset ?? 0)).toBe(got.length + start);
              got.push(...p.bytes);
            }
            at = end;
          }
          expect(got).toEqual([...bytes(start, at)]);
        },
      ),
    );
  });
});
