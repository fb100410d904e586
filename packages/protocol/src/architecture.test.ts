// Enforces "dependencies point inward" (ARCHITECTURE.md rule 1) over the whole repository.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkDependencyRules, importSpecifiers } from "./test-support/dependency-rules.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

describe("the dependency rule", () => {
  const report = checkDependencyRules(repoRoot);

  it("holds for every package and app in the repository", () => {
    expect(report.violations).toEqual([]);
  });

  it("actually scanned the domain packages and the core", () => {
    for (const pkg of ["protocol", "versioning", "update", "nh1-token", "ports", "link", "port-contracts"]) {
      expect(report.scanned[`packages/${pkg}`], pkg).toBeGreaterThan(0);
    }
  });
});

describe("importSpecifiers", () => {
  it("finds every import form and ignores comments and strings", () => {
    const source = `
      import a from "./a.js";
      import type { B } from './b.js';
      import {
        c,
        d,
      } from "@scope/cd";
      import * as e from "e";
      import "./side-effect.js";
      export { f } from "./f.js";
      export * from "./g.js";
      export type { H } from "./h.js";
      const i = await import("./i.js");
      const j = require("j");
      // import k from "node:k";
      /* import l from "node:l"; */
      const text = "import m from 'node:m'";
      const url = "https://example.com/import";
      const tpl = \`export * from "node:n"\`;
    `;
    expect(importSpecifiers(source)).toEqual([
      "./a.js",
      "./b.js",
      "@scope/cd",
      "e",
      "./side-effect.js",
      "./f.js",
      "./g.js",
      "./h.js",
      "./i.js",
      "j",
    ]);
  });
});

describe("checkDependencyRules on a repository that breaks it", () => {
  const root = mkdtempSync(join(tmpdir(), "dep-rules-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("apps/device/package.json", JSON.stringify({ name: "@nerves-hub-ts/device" }));
  write("apps/device/src/main.ts", 'import { x } from "./config.js";\nimport "@nerves-hub-ts/link";');
  write(
    "packages/protocol/package.json",
    JSON.stringify({ dependencies: { "@msgpack/msgpack": "3.1.3", ws: "8" } }),
  );
  write(
    "packages/protocol/src/frame.ts",
    [
      'import { decode } from "@msgpack/msgpack";',
      'import { readFileSync } from "node:fs";',
      'import { createHash } from "crypto";',
      'import { Client } from "@nerves-hub-ts/link";',
      'import { semver } from "@nerves-hub-ts/versioning";',
      'import { x } from "../../update/src/x.js";',
      'import { y } from "./y.js";',
    ].join("\n"),
  );
  write("packages/protocol/src/frame.test.ts", 'import { readFileSync } from "node:fs";');
  write("packages/protocol/src/test-support/fixtures.ts", 'import { join } from "node:path";');
  write(
    "packages/link/src/core.ts",
    'import { WebSocket } from "ws";\nimport { setTimeout } from "node:timers";',
  );
  write(
    "packages/transport-ws/src/socket.ts",
    'import { main } from "@nerves-hub-ts/simulator/src/main.js";',
  );
  write("packages/auth-cert/src/cert.ts", 'import { readFile } from "node:fs/promises";');
  write(
    "packages/port-contracts/src/transport.ts",
    'import { MemoryTransport } from "@nerves-hub-ts/link/testing";\nimport { it } from "vitest";',
  );
  write(
    "packages/firmware-fwup/src/run.test.ts",
    'import { config } from "../../../apps/device/src/config.js";',
  );

  const { violations } = checkDependencyRules(root);

  it.each([
    ["packages/protocol/src/frame.ts", "node:fs", "Node builtins"],
    ["packages/protocol/src/frame.ts", "crypto", "Node builtins"],
    ["packages/protocol/src/frame.ts", "@nerves-hub-ts/link", "only domain packages and pure libraries"],
    ["packages/protocol/src/frame.ts", "../../update/src/x.js", "outside its package"],
    ["packages/link/src/core.ts", "ws", "only domain packages"],
    ["packages/link/src/core.ts", "node:timers", "Node builtins"],
    ["packages/transport-ws/src/socket.ts", "@nerves-hub-ts/simulator/src/main.js", "import an app"],
    ["packages/firmware-fwup/src/run.test.ts", "../../../apps/device/src/config.js", "import an app"],
    ["packages/port-contracts/src/transport.ts", "@nerves-hub-ts/link/testing", "only the ports and vitest"],
  ])("names %s and its import %s", (file, spec, why) => {
    const line = violations.find((v) => v.startsWith(`${file} imports "${spec}"`));
    expect(line, violations.join("\n")).toBeDefined();
    expect(line).toContain(why);
  });

  it("flags undeclared dependencies of a domain package", () => {
    expect(violations).toContain('packages/protocol/package.json depends on "ws"');
  });

  it("lets allowed imports, test files and adapters' own builtins through", () => {
    const allowed = ["@msgpack/msgpack", "@nerves-hub-ts/versioning", "./y.js", "./config.js", "vitest"];
    for (const spec of allowed) expect(violations.join("\n")).not.toContain(`"${spec}"`);
    const files = violations.map((v) => v.split(" ")[0]);
    for (const file of ["frame.test.ts", "fixtures.ts", "cert.ts", "main.ts"]) {
      expect(
        files.some((f) => f?.endsWith(`/${file}`)),
        file,
      ).toBe(false);
    }
    expect(violations).toHaveLength(10);
  });
});
