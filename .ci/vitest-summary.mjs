// Runs every vitest project once and prints a plain "N passed, N failed, N skipped" line for CI.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";

mkdirSync(".test-results", { recursive: true });
const out = ".test-results/vitest.json";
// Runs inside `pnpm test`, so node_modules/.bin is on PATH.
const run = spawnSync("vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`], {
  stdio: "inherit",
});
let summary = "no test report was written";
try {
  const r = JSON.parse(readFileSync(out, "utf8"));
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
} catch {}
console.log(summary);
process.exit(run.status ?? 1);
