import { describe, expect, it } from "vitest";
import { parseArgv, UsageError } from "./argv.js";

const spec = { config: "value", "print-config": "bool" } as const;

describe("parseArgv", () => {
  it("reads command options and one flag per setting, with = or a separate value", () => {
    const parsed = parseArgv(
      [
        "status",
        "--config=/etc/x.json",
        "--print-config",
        "--shared-secret-product-key",
        "nhp_1",
        "--fwup-extra-options=--unsafe",
      ],
      spec,
      true,
    );
    expect(parsed.positionals).toEqual(["status"]);
    expect(parsed.options).toEqual(
      new Map<string, string | true>([
        ["config", "/etc/x.json"],
        ["print-config", true],
      ]),
    );
    expect(parsed.settings.get("shared_secret.product_key")).toEqual({
      flag: "--shared-secret-product-key",
      text: "nhp_1",
    });
    expect(parsed.settings.get("fwup_extra_options")?.text).toBe("--unsafe");
  });

  it("boolean settings as bare flags and --no-flags", () => {
    const parsed = parseArgv(["--compress", "--no-connect-wait-for-network"], spec, true);
    expect(parsed.settings.get("compress")?.text).toBe("true");
    expect(parsed.settings.get("connect_wait_for_network")).toEqual({
      flag: "--no-connect-wait-for-network",
      text: "false",
    });
  });

  it("refuses unknown flags, missing values, and settings where none are allowed", () => {
    expect(() => parseArgv(["--hots", "x"], spec, true)).toThrow(new UsageError("unknown option --hots"));
    expect(() => parseArgv(["--host"], spec, true)).toThrow("--host needs a value");
    expect(() => parseArgv(["--host", "--config", "x"], spec, true)).toThrow("--host needs a value");
    expect(() => parseArgv(["--host", "x"], spec, false)).toThrow("unknown option --host");
    expect(() => parseArgv(["--print-config=yes"], spec, true)).toThrow("--print-config takes no value");
  });
});
