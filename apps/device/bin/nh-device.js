#!/usr/bin/env node
// Launcher for `nh-device`. In a source checkout it runs src/main.ts through tsx (workspace packages
// resolve to their sources via the "source" condition); an installed package runs dist/main.js.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../src/main.ts", import.meta.url));
let tsx;
try {
  tsx = existsSync(source) ? import.meta.resolve("tsx") : undefined;
} catch {
  tsx = undefined;
}

if (tsx === undefined) {
  await import(new URL("../dist/main.js", import.meta.url).href);
} else {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", tsx, source, ...process.argv.slice(2)],
    {
      stdio: "inherit",
    },
  );
  // The agent handles SIGTERM/SIGINT itself; pass them on and exit as it does.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}
