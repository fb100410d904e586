import { describe, expect, it } from "vitest";
import { normalizeSha256, PART_SIZE, planParts } from "./part-plan.js";

const h = (c: string) => c.repeat(64);

describe("planParts", () => {
  it("uses one 1 MiB part per checksum, last part shorter, hex lower-cased", () => {
    const plan = planParts({
      size: 2 * PART_SIZE + 10,
      partialsChecksums: [h("A"), h("b"), h("C")],
      checksum: h("D"),
    });
    expect(plan.warning).toBeUndefined();
    expect(plan.parts).toEqual([
      { index: 0, offset: 0, length: PART_SIZE, sha256: h("a") },
      { index: 1, offset: PART_SIZE, length: PART_SIZE, sha256: h("b") },
      { index: 2, offset: 2 * PART_SIZE, length: 10, sha256: h("c") },
    ]);
  });

  it("handles an exact multiple of the part size and a custom part size", () => {
    expect(
      planParts({ size: 8, partSize: 4, partialsChecksums: [h("1"), h("2")] }).parts.map((p) => p.length),
    ).toEqual([4, 4]);
  });

  it("falls back to one whole-file part checked against checksum", () => {
    for (const partialsChecksums of [[], [h("1")], [h("1"), "nope"], null]) {
      const plan = planParts({ size: 3 * PART_SIZE, partialsChecksums, checksum: h("E") });
      expect(plan.parts).toEqual([{ index: 0, offset: 0, length: 3 * PART_SIZE, sha256: h("e") }]);
    }
    expect(planParts({ size: 3 * PART_SIZE, partialsChecksums: [h("1")], checksum: h("E") }).warning).toMatch(
      /1 entries, the size needs 3/,
    );
  });

  it("warns when nothing can verify the download", () => {
    const plan = planParts({ size: 10 });
    expect(plan.parts[0]?.sha256).toBeNull();
    expect(plan.warning).toMatch(/not verified/);
  });

  it("plans an open-ended part when the size is unknown", () => {
    const plan = planParts({ checksum: h("f"), partialsChecksums: [h("1")] });
    expect(plan.parts).toEqual([{ index: 0, offset: 0, length: null, sha256: h("f") }]);
    expect(plan.warning).toMatch(/no size/);
  });

  it("refuses nonsense sizes", () => {
    expect(() => planParts({ size: -1 })).toThrow(RangeError);
    expect(() => planParts({ size: 1, partSize: 0 })).toThrow(RangeError);
  });

  it("normalizeSha256 accepts only 64 hex digits", () => {
    expect(normalizeSha256(h("A"))).toBe(h("a"));
    expect(normalizeSha256("abc")).toBeNull();
    expect(normalizeSha256(undefined)).toBeNull();
  });
});
