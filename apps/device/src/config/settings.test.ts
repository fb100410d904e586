import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { envName, flagName, SETTINGS } from "./settings.js";

describe("settings", () => {
  it("derive environment and flag names from the key", () => {
    expect(envName("shared_secret.product_key")).toBe("NH_SHARED_SECRET_PRODUCT_KEY");
    expect(flagName("shared_secret.product_key")).toBe("--shared-secret-product-key");
  });

  it("names are unique once turned into environment variables and flags", () => {
    expect(new Set(SETTINGS.map((s) => envName(s.key))).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => flagName(s.key))).size).toBe(SETTINGS.length);
  });

  it("the README's table lists every setting, secrets marked", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const rows = new Map(
      readme
        .split("\n")
        .filter((l) => l.startsWith("| `"))
        .map((l) => [/^\| `([^`]+)`/.exec(l)?.[1], l] as const),
    );
    for (const s of SETTINGS) {
      const row = rows.get(s.key);
      expect(row, `README row for ${s.key}`).toBeDefined();
      expect(row?.includes("🔒"), `${s.key} secret marker`).toBe(s.secret === true);
    }
  });
});
