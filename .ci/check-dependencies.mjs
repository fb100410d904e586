// Checks the dependency rules in .ci/dependency-rules.cjs with dependency-cruiser over packages/ and
// apps/, and, from the same graph, that every "dependencies" entry of a package.json is imported by
// one of that package's production files (dependency-cruiser checks only the other direction).
// Exits non-zero on any violation.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cruise, format } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";

const root = join(import.meta.dirname, "..");
process.chdir(root);

const options = await extractDepcruiseOptions("./.ci/dependency-rules.cjs");
const cruised = await cruise(["packages", "apps"], { ...options, outputType: "json" });
const result = JSON.parse(cruised.output);
const rules = await format(result, { outputType: "err-long" });
process.stdout.write(rules.output);

/** The unit (`packages/x`, `apps/y`) a path belongs to. */
const unitOf = (path) => /^(packages|apps)\/[^/]+/.exec(path)?.[0];
/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageOf = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");
/** The same as TEST_FILE in dependency-rules.cjs. */
const testFile = /(\.test\.ts$|\/test-support\/|\/testing\.ts$|\/vitest\.[^/]*config\.ts$)/;

const imported = new Map();
for (const module of result.modules) {
  const unit = unitOf(module.source);
  if (unit === undefined) continue;
  const names = imported.get(unit) ?? new Set();
  imported.set(unit, names);
  if (testFile.test(module.source)) continue;
  for (const dependency of module.dependencies) {
    const specifier = dependency.module;
    if (dependency.coreModule || specifier.startsWith(".")) continue;
    names.add(packageOf(specifier));
  }
}

const unused = [];
for (const [unit, names] of [...imported].sort(([a], [b]) => a.localeCompare(b))) {
  const manifest = JSON.parse(readFileSync(join(root, unit, "package.json"), "utf8"));
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (!names.has(name) && !name.startsWith("@types/")) {
      unused.push(
        `  error unused-dependency: ${unit}/package.json lists "${name}" in "dependencies" but no production file imports it (remove it, or move it to "devDependencies" if only tests use it)`,
      );
    }
  }
}
if (unused.length > 0)
  process.stdout.write(`${unused.join("\n")}\n\nx ${unused.length} unused dependencies\n`);

process.exitCode = rules.exitCode === 0 && unused.length === 0 ? 0 : 1;
