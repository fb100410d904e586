import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The core must run anywhere: time, randomness and I/O come through ports, never from `node:` modules.
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "test-support" ? [] : sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("link core", () => {
  it("imports no node: modules and no Node-only packages", () => {
    const offenders = sourceFiles(import.meta.dirname).filter((f) =>
      /from\s+["'](node:|fs|net|tls|os|crypto|ws)["']/.test(readFileSync(f, "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
