// The dependency rule of ARCHITECTURE.md ("dependencies point inward"), checked over source files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, resolve, sep } from "node:path";

/** Pure packages: they import nothing but each other and the allow-listed pure libraries. */
export const DOMAIN_PACKAGES = ["protocol", "versioning", "update", "nh1-token", "ports"];
/** Pure third-party libraries the domain may use (they run in a browser too). */
export const PURE_LIBRARIES = ["@msgpack/msgpack", "@noble/hashes"];
/** The application core: no node: builtins, and only domain packages. */
export const CORE_PACKAGE = "link";
/** Test support every implementation of a port runs: it may import only the ports and vitest. */
export const CONTRACT_PACKAGES = ["port-contracts"];
const CONTRACT_IMPORTS = ["@nerves-hub-ts/ports", "vitest"];
const SCOPE = "@nerves-hub-ts/";
/** The apps, by name, even before their directories exist. */
const KNOWN_APPS = [`${SCOPE}device`, `${SCOPE}simulator`];

/**
 * Module specifiers a TypeScript file imports: static, type-only, re-exports, side-effect imports,
 * dynamic `import()` and `require()`. Comments are skipped and string contents are masked first, so
 * an import written inside a comment or a string literal does not count.
 */
export function importSpecifiers(source: string): string[] {
  const strings: string[] = [];
  let code = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      i = end === -1 ? source.length : end;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end === -1 ? source.length : end + 2;
      code += " ";
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      let value = "";
      while (j < source.length && source[j] !== c) {
        if (source[j] === "\\") j++;
        value += source[j] ?? "";
        j++;
      }
      strings.push(value);
      code += `"${strings.length - 1}"`;
      i = j + 1;
    } else {
      code += c;
      i++;
    }
  }
  const patterns = [
    /\b(?:import|export)\s[^";]*?\bfrom\s*"(\d+)"/g,
    /\bimport\s*"(\d+)"/g,
    /\bimport\s*\(\s*"(\d+)"\s*\)/g,
    /\brequire\s*\(\s*"(\d+)"\s*\)/g,
  ];
  const found = new Set<number>();
  for (const re of patterns) for (const m of code.matchAll(re)) found.add(Number(m[1]));
  return [...found].sort((a, b) => a - b).map((n) => strings[n] as string);
}

const isBuiltin = (spec: string) =>
  spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0] as string);
/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageOf = (spec: string) =>
  spec
    .split("/")
    .slice(0, spec.startsWith("@") ? 2 : 1)
    .join("/");
const isTestFile = (path: string) =>
  /\.test\.[cm]?tsx?$/.test(path) || path.split(sep).includes("test-support");

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.[cm]?tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const subdirs = (dir: string) => {
  try {
    return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
  } catch {
    return [];
  }
};

function packageName(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

export interface RuleReport {
  /** One line per broken rule, naming the file and the import. */
  violations: string[];
  /** Source files checked per package directory, so a test can see the scan was not empty. */
  scanned: Record<string, number>;
}

/** Checks every package and app under `root` against the dependency rule. */
export function checkDependencyRules(root: string): RuleReport {
  const violations: string[] = [];
  const scanned: Record<string, number> = {};
  const appsDir = resolve(root, "apps");
  const appNames = new Set([
    ...KNOWN_APPS,
    ...subdirs(appsDir)
      .map((d) => packageName(join(appsDir, d)))
      .filter((n): n is string => n !== undefined),
  ]);
  const domainNames = DOMAIN_PACKAGES.map((p) => SCOPE + p);

  const units = [
    ...subdirs(resolve(root, "packages")).map((d) => ({ kind: "packages", dir: d })),
    ...subdirs(appsDir).map((d) => ({ kind: "apps", dir: d })),
  ];
  for (const { kind, dir } of units) {
    const pkgDir = resolve(root, kind, dir);
    const isDomain = kind === "packages" && DOMAIN_PACKAGES.includes(dir);
    const isCore = kind === "packages" && dir === CORE_PACKAGE;
    const isContract = kind === "packages" && CONTRACT_PACKAGES.includes(dir);
    const label = `${kind}/${dir}`;
    const files = sourceFiles(join(pkgDir, "src"));
    scanned[label] = files.length;

    for (const file of files) {
      const where = relative(root, file);
      const production = !isTestFile(file);
      for (const spec of importSpecifiers(readFileSync(file, "utf8"))) {
        const say = (why: string) => violations.push(`${where} imports "${spec}": ${why}`);
        const relativeTarget = spec.startsWith(".") ? resolve(file, "..", spec) : undefined;

        const ownApp = kind === "apps" && relativeTarget?.startsWith(pkgDir + sep);
        if (appNames.has(packageOf(spec)) || (relativeTarget?.startsWith(appsDir + sep) && !ownApp)) {
          say("nothing may import an app");
          continue;
        }
        if (production && isContract) {
          const outside = relativeTarget !== undefined && !relativeTarget.startsWith(pkgDir + sep);
          if (outside || (relativeTarget === undefined && !CONTRACT_IMPORTS.includes(packageOf(spec)))) {
            say("a contract package may import only the ports and vitest");
          }
          continue;
        }
        if (!production || !(isDomain || isCore)) continue;

        const role = isDomain ? "a domain package" : "the core (link)";
        if (relativeTarget !== undefined) {
          if (!relativeTarget.startsWith(pkgDir + sep)) say(`${role} reaches outside its package by path`);
        } else if (isBuiltin(spec)) {
          say(`${role} may not use Node builtins (it must run in a browser)`);
        } else if (domainNames.includes(packageOf(spec))) {
          // Domain packages may use each other; link may use the domain.
        } else if (isDomain && PURE_LIBRARIES.includes(packageOf(spec))) {
          // An allow-listed pure library.
        } else {
          say(
            `${role} may import only ${isDomain ? "domain packages and pure libraries" : "domain packages"}`,
          );
        }
      }
    }

    if (isDomain || isCore || isContract) {
      let deps: Record<string, string> = {};
      try {
        deps =
          (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { dependencies?: typeof deps })
            .dependencies ?? {};
      } catch {
        // No package.json: nothing declared, nothing to check.
      }
      for (const dep of Object.keys(deps)) {
        const allowed = isContract
          ? CONTRACT_IMPORTS.includes(dep)
          : domainNames.includes(dep) || (isDomain && PURE_LIBRARIES.includes(dep));
        if (!allowed) violations.push(`${relative(root, join(pkgDir, "package.json"))} depends on "${dep}"`);
      }
    }
  }
  return { violations, scanned };
}
