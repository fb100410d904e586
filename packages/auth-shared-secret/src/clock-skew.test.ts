import { describe, expect, it } from "vitest";
import { describeClockSkew } from "./clock-skew.js";

const server = Date.UTC(2025, 0, 1, 12, 0, 0);

describe("describeClockSkew", () => {
  it("stays quiet within 30 s either way", () => {
    expect(describeClockSkew(server + 30_000, server)).toBeUndefined();
    expect(describeClockSkew(server - 30_000, server)).toBeUndefined();
  });

  it("explains a clock that is behind, with both times", () => {
    expect(describeClockSkew(server - (2 * 86400 + 3 * 3600 + 5) * 1000, server)).toBe(
      "device clock is 2 d 3 h 5 s behind the server (device 2024-12-30T08:59:55.000Z, server 2025-01-01T12:00:00.000Z); signing with the server's time until the clock is set",
    );
  });

  it("explains a clock that is ahead and says it must be fixed", () => {
    const sentence = describeClockSkew(server + 45_000, server);
    expect(sentence).toMatch(/^device clock is 45 s ahead of the server/);
    expect(sentence).toMatch(/fix the device clock/);
  });

  it("takes a custom threshold", () => {
    expect(describeClockSkew(server + 5_000, server, 1_000)).toMatch(/5 s ahead/);
  });
});
