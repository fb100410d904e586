import { describe, expect, it } from "vitest";
import { progressBar } from "./progress-bar.js";
import { renderTable } from "./table.js";

describe("renderTable", () => {
  it("pads columns to the widest cell and right-aligns the ones asked for", () => {
    const text = renderTable(
      ["metric", "value"],
      [
        ["devices joined", "10000/10000"],
        ["rate", "190/s"],
      ],
      ["left", "right"],
    );
    expect(text.split("\n")).toEqual([
      "metric                value",
      "--------------  -----------",
      "devices joined  10000/10000",
      "rate                  190/s",
    ]);
  });
});

describe("progressBar", () => {
  it("fills in proportion and clamps out-of-range fractions", () => {
    expect(progressBar(0.5, 10)).toBe("[#####.....]");
    expect(progressBar(1.7, 4)).toBe("[####]");
    expect(progressBar(Number.NaN, 4)).toBe("[....]");
  });
});
