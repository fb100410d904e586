import { describe, expect, it } from "vitest";
import { AgentConfigError } from "./config-error.js";
import { checkJsonValue } from "./setting-value.js";
import { SETTINGS_BY_KEY } from "./settings.js";

const setting = (key: string) => {
  const s = SETTINGS_BY_KEY.get(key);
  if (!s) throw new Error(`no setting ${key}`);
  return s;
};

describe("checkJsonValue", () => {
  it("keeps good values, copying lists and maps", () => {
    const list = ["--unsafe"];
    expect(checkJsonValue(setting("host"), "hub.test", "file")).toBe("hub.test");
    expect(checkJsonValue(setting("heartbeat_interval_msec"), 0, "file")).toBe(0);
    expect(checkJsonValue(setting("fwup_extra_options"), list, "file")).not.toBe(list);
    expect(checkJsonValue(setting("fwup_env"), { A: "1" }, "file")).toEqual({ A: "1" });
    expect(checkJsonValue(setting("rejoin_after"), [0, 5], "file")).toEqual([0, 5]);
  });

  it.each([
    ["host", " ", 'config host: must be a non-empty string, got " " (from file)'],
    ["host", 3, "config host: must be a non-empty string, got 3 (from file)"],
    [
      "shared_secret.key_iterations",
      0,
      "config shared_secret.key_iterations: must be an integer >= 1, got 0",
    ],
    ["compress", "yes", 'config compress: must be true or false, got "yes"'],
    ["serializer", "xml", 'config serializer: must be one of json, msgpack, got "xml"'],
    ["fwup_public_keys", ["a", 1], 'config fwup_public_keys: must be a list of strings, got ["a",1]'],
    ["rejoin_after", [], "config rejoin_after: must be a non-empty list of integers >= 0, got []"],
    ["fwup_env", { A: 1 }, 'config fwup_env: must be an object of strings, got {"A":1}'],
    ["shared_secret.secret", 42, "config shared_secret.secret: must be a non-empty string (from file)"],
  ])("refuses a bad %s with a message naming it", (key, value, message) => {
    expect(() => checkJsonValue(setting(key), value, "file")).toThrow(AgentConfigError);
    expect(() => checkJsonValue(setting(key), value, "file")).toThrow(message);
  });
});
