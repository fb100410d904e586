// `pnpm mutation [target…]`: StrykerJS on each target (all by default) in turn, one package at a time
// so that a run stays tractable on a small machine. Fails when a target's mutation score is under the
// `break` threshold. Reports: bench/mutation/reports/<target>.{html,json}.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { targets } from "./stryker.config.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in targets));
if (unknown.length > 0) {
  console.error(`unknown target(s) ${unknown.join(", ")}; known: ${Object.keys(targets).join(", ")}`);
  process.exit(2);
}
const results = [];
for (const name of names.length > 0 ? names : Object.keys(targets)) {
  const started = Date.now();
  const run = spawnSync(
    `${root}node_modules/.bin/stryker`,
    ["run", `${root}bench/mutation/stryker.config.mjs`],
    {
      cwd: `${root}${targets[name].dir}`,
      stdio: "inherit",
      env: { ...process.env, MUTATION_TARGET: name },
    },
  );
  results.push(
    `${run.status === 0 ? "ok  " : "FAIL"} ${name} (${Math.round((Date.now() - started) / 1000)} s)`,
  );
}
console.log(results.join("\n"));
process.exit(results.every((r) => r.startsWith("ok")) ? 0 : 1);
