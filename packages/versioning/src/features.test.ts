import { describe, expect, it } from "vitest";
import {
  effectiveApiVersion,
  extensionVersionAccepted,
  supports,
  supportsConsoleFileTransfer,
} from "./features.js";
import { formatSemVer } from "./semver.js";

describe("server feature gates", () => {
  it("treats a missing or garbage device_api_version as 1.0.0", () => {
    expect(formatSemVer(effectiveApiVersion(undefined))).toBe("1.0.0");
    expect(formatSemVer(effectiveApiVersion("two"))).toBe("1.0.0");
    expect(supports(undefined, "archives")).toBe(false);
  });

  it.each([
    ["1.0.0", { archives: false, scripts: false, extensions: false, firmwareValidation: false }],
    ["2.0.0", { archives: true, scripts: false, extensions: false, firmwareValidation: false }],
    ["2.0.1", { archives: true, scripts: false, extensions: false, firmwareValidation: false }],
    ["2.1.0", { archives: true, scripts: true, extensions: false, firmwareValidation: false }],
    ["2.2.0", { archives: true, scripts: true, extensions: true, firmwareValidation: false }],
    ["2.3.0", { archives: true, scripts: true, extensions: true, firmwareValidation: true }],
    ["2.2.0-rc.1", { archives: true, scripts: true, extensions: false, firmwareValidation: false }],
  ] as const)("api %s gets %o", (version, expected) => {
    for (const [feature, want] of Object.entries(expected)) {
      expect(supports(version, feature as keyof typeof expected), feature).toBe(want);
    }
  });

  it("gates console file transfer on console_version 2.0.0", () => {
    expect(supportsConsoleFileTransfer("1.0.0")).toBe(false);
    expect(supportsConsoleFileTransfer("2.0.0")).toBe(true);
    expect(supportsConsoleFileTransfer(undefined)).toBe(false);
  });

  it("accepts extension versions matching ~> 0.0.1 only", () => {
    expect(extensionVersionAccepted("0.0.1")).toBe(true);
    expect(extensionVersionAccepted("0.0.9")).toBe(true);
    expect(extensionVersionAccepted("0.1.0")).toBe(false);
    expect(extensionVersionAccepted("0.0.0")).toBe(false);
    expect(extensionVersionAccepted(1)).toBe(false);
    expect(extensionVersionAccepted("0.0.2-beta")).toBe(false);
  });
});
