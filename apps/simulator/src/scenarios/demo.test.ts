import { describe, expect, it } from "vitest";
import { runSimulator } from "../run.js";
import { capture, testSettings } from "../test-support/settings.js";

describe("demo scenario", () => {
  it("tells one device's update end to end and ends OK once the hub recorded it", async () => {
    const out = capture();
    const settings = testSettings(
      "demo",
      { devices: 2, strategy: "caching" },
      { firmwareSize: 256 * 1024, downloadMs: 1_200 },
    );
    const report = await runSimulator(settings, out);

    expect(report.ok).toBe(true);
    expect(report.metrics).toMatchObject({ devices: 2, joined: 2, rejoined: 2, hubConfirmed: 2 });
    const text = out.text();
    expect(text).not.toContain("\x1b["); // a pipe gets plain lines
    const story = text
      .split("\n")
      .filter((l) => l.startsWith("  sim-00001  "))
      .map((l) => l.slice("  sim-00001  ".length));
    const expected = [
      "connected (shared-secret) and joined, running 1.0.0",
      "update offered: 1.1.0",
      "downloading 100%",
      "download verified (size, SHA-256); applying",
      "applied to the in-memory sandbox; reported completed",
      "rebooting into 1.1.0",
      "rejoined with version 1.1.0 (was 1.0.0)",
    ];
    let at = -1;
    for (const line of expected) {
      const next = story.indexOf(line, at + 1);
      expect(next, `story line "${line}" after line ${at}:\n${story.join("\n")}`).toBeGreaterThan(at);
      at = next;
    }
    // Progress shows before the download is complete.
    expect(story.slice(0, story.indexOf("downloading 100%")).some((l) => /^downloading \d+%$/.test(l))).toBe(
      true,
    );
    expect(text).toContain("embedded hub: wss://127.0.0.1:");
    expect(text).toMatch(/hub confirms new version\s+2\/2/);
    expect(text.trimEnd().endsWith("demo: OK")).toBe(true);
  }, 20_000);
});
