// The dependency rules of ARCHITECTURE.md ("dependencies point inward"), for dependency-cruiser.
// `pnpm deps` runs them (.ci/check-dependencies.mjs, which also reports unused "dependencies");
// `npx depcruise --config .ci/dependency-rules.cjs packages apps` runs the rules alone.
// Paths are the real ones: a workspace import such as `@nerves-hub-ts/link` resolves, through its
// "source" export condition, to packages/link/src/index.ts.
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

/** Pure packages that only compute: they run in a browser too. */
const DOMAIN = ["protocol", "versioning", "update", "nh1-token"];
/** Every port interface, value and error type; pure, on top of the domain. */
const PORTS = "ports";
/** The application core: orchestration over the ports. */
const CORE = "link";
/** Adapters plug one outside system into a port. A new adapter is one more name here. */
const ADAPTERS = [
  "transport-ws",
  "auth-cert",
  "auth-shared-secret",
  "auth-pkcs11",
  "auth-nerveskey",
  "firmware-fwup",
  "console-pty",
  "platform-node",
];
/** Third-party libraries pure enough for the domain and the ports. */
const PURE_LIBRARIES = ["@msgpack/msgpack", "@noble/hashes"];
/** Test kits: what test files of the inner packages may use besides their own layer. */
const TEST_KITS = [
  "^packages/link/src/testing\\.ts$",
  "^packages/(hub|dev-pki|port-contracts)/src/(index|testing)\\.ts$",
  // The real Node clock, randomness and probe, for tests that run adapters on real time.
  "^packages/platform-node/src/index\\.ts$",
];
/** Test-only libraries every package may use from the root package.json. */
const ROOT_TEST_LIBRARIES = ["vitest", "fast-check"];

/** Test files: specs, their support folders, `./testing` entries and vitest configs. */
const TEST_FILE = "(\\.test\\.ts$|/test-support/|/testing\\.ts$|/vitest\\.[^/]*config\\.ts$)";
const either = (names) => `(${names.join("|")})`;
const inPackages = (names) => `^packages/${either(names)}/`;
/** A module in an installed npm package, under pnpm's layout or a flat one. */
const npmPackage = (names) =>
  `(^|/)node_modules/${either(names)}/|(^|/)node_modules/\\.pnpm/[^/]+/node_modules/${either(names)}/`;

// Known cycles, to be broken; a cycle is let through only while every module on it is listed here.
const KNOWN_CYCLES = [];
const ADAPTER_RULE = "adapters-import-only-ports-and-domain";
const INNER_TEST_RULE = "inner-tests-import-only-test-kits";
// Integration tests that run an adapter with its real neighbours (the core, another adapter): each
// file is let through with exactly the imports listed. The package name in `from` is captured as in
// the rules below.
const KNOWN_LAYER_BREAKS = [
  {
    rule: INNER_TEST_RULE,
    from: "^packages/(firmware-fwup)/src/end-to-end\\.test\\.ts$",
    to: inPackages([CORE, "auth-shared-secret", "transport-ws"]),
  },
  {
    rule: INNER_TEST_RULE,
    from: "^packages/(transport-ws)/src/hub-integration\\.test\\.ts$",
    to: inPackages([CORE, "auth-cert", "auth-shared-secret"]),
  },
  {
    rule: INNER_TEST_RULE,
    from: "^packages/(firmware-fwup)/src/http-downloader\\.proxy-env\\.test\\.ts$",
    to: inPackages(["auth-shared-secret", "transport-ws"]),
  },
  {
    rule: INNER_TEST_RULE,
    from: "^packages/(transport-ws)/src/ws-transport\\.contract\\.test\\.ts$",
    to: inPackages(["auth-shared-secret"]),
  },
  {
    rule: INNER_TEST_RULE,
    from: "^packages/(transport-ws)/src/hub-restart\\.test\\.ts$",
    to: inPackages(["auth-cert"]),
  },
  {
    rule: INNER_TEST_RULE,
    from: "^packages/(transport-ws)/src/test-support/device\\.ts$",
    to: inPackages([CORE]),
  },
];

/** One rule per workspace package: workspace packages it imports must be in its package.json. */
function workspaceDeclarationRules() {
  const root = join(__dirname, "..");
  const units = ["packages", "apps"].flatMap((kind) =>
    readdirSync(join(root, kind), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => {
        const dir = `${kind}/${entry.name}`;
        try {
          return [{ dir, manifest: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) }];
        } catch {
          return [];
        }
      }),
  );
  const dirOf = new Map(units.map(({ dir, manifest }) => [manifest.name, dir]));
  const dirsOf = (deps) =>
    Object.keys(deps ?? {})
      .filter((name) => dirOf.has(name))
      .map((name) => `^${dirOf.get(name)}/`);
  return units.flatMap(({ dir, manifest }) => [
    {
      name: "workspace-dependency-not-declared",
      comment: `A production file of ${manifest.name} imports a workspace package that is not in the "dependencies" of ${dir}/package.json.`,
      severity: "error",
      from: { path: `^${dir}/`, pathNot: TEST_FILE },
      to: { path: "^(packages|apps)/", pathNot: [`^${dir}/`, ...dirsOf(manifest.dependencies)] },
    },
    {
      name: "workspace-dependency-not-declared",
      comment: `A test file of ${manifest.name} imports a workspace package that is in neither "dependencies" nor "devDependencies" of ${dir}/package.json.`,
      severity: "error",
      from: { path: `^${dir}/.*${TEST_FILE}` },
      to: {
        path: "^(packages|apps)/",
        pathNot: [`^${dir}/`, ...dirsOf(manifest.dependencies), ...dirsOf(manifest.devDependencies)],
      },
    },
  ]);
}

const LAYER_RULES = {
  [ADAPTER_RULE]: {
    comment:
      "An adapter imports the ports, the domain and third-party libraries; never the core (link), another adapter, the hub or an app.",
    allowed: [inPackages([...DOMAIN, PORTS])],
  },
  [INNER_TEST_RULE]: {
    comment:
      "Tests of the domain, ports, core and adapters import their own layer and the test kits (@nerves-hub-ts/link/testing, hub, dev-pki, port-contracts); never link itself or another adapter.",
    allowed: [inPackages([...DOMAIN, PORTS]), ...TEST_KITS],
  },
};

/** A layer rule over `from` (whose first group is the package name), and its known breaks. */
function layerRules(name, from) {
  const { comment, allowed } = LAYER_RULES[name];
  const known = KNOWN_LAYER_BREAKS.filter((entry) => entry.rule === name);
  const rule = (ruleFrom, also = []) => ({
    name,
    comment,
    severity: "error",
    from: ruleFrom,
    to: { path: "^(packages|apps)/", pathNot: ["^packages/$1/", ...allowed, ...also] },
  });
  const pathNot = [from.pathNot ?? [], known.map((entry) => entry.from)].flat();
  return [
    rule(pathNot.length > 0 ? { ...from, pathNot } : from),
    ...known.map((entry) => rule({ path: entry.from }, [entry.to])),
  ];
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // Layers: the domain, then the ports, then the core and the adapters, then the apps.
    {
      name: "no-node-builtins-inside",
      comment:
        "The domain, the ports and the core (link) use no node: builtins: they run anywhere, and I/O, time and randomness come in through ports.",
      severity: "error",
      from: { path: inPackages([...DOMAIN, PORTS, CORE]), pathNot: TEST_FILE },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "domain-imports-only-the-domain",
      comment: `A domain package imports only other domain packages and the pure libraries ${PURE_LIBRARIES.join(", ")}.`,
      severity: "error",
      from: { path: inPackages(DOMAIN), pathNot: TEST_FILE },
      to: {
        dependencyTypesNot: ["core"],
        pathNot: [inPackages(DOMAIN), npmPackage(PURE_LIBRARIES)],
      },
    },
    {
      name: "ports-import-only-the-domain",
      comment: `The ports import only the domain and the pure libraries ${PURE_LIBRARIES.join(", ")}.`,
      severity: "error",
      from: { path: inPackages([PORTS]), pathNot: TEST_FILE },
      to: {
        dependencyTypesNot: ["core"],
        pathNot: [inPackages([...DOMAIN, PORTS]), npmPackage(PURE_LIBRARIES)],
      },
    },
    {
      name: "core-imports-only-ports-and-domain",
      comment: "The core (link) imports only the ports and the domain: no adapter, no third-party library.",
      severity: "error",
      from: { path: inPackages([CORE]), pathNot: TEST_FILE },
      to: { dependencyTypesNot: ["core"], pathNot: inPackages([...DOMAIN, PORTS, CORE]) },
    },
    ...layerRules(ADAPTER_RULE, { path: inPackages(ADAPTERS), pathNot: TEST_FILE }),
    ...layerRules(INNER_TEST_RULE, {
      path: `${inPackages([...DOMAIN, PORTS, CORE, ...ADAPTERS])}.*${TEST_FILE}`,
    }),
    // Packages meet through their public entry points, and nothing depends on an app.
    {
      name: "nothing-imports-an-app",
      comment: "Apps compose packages; no package and no other app imports an app.",
      severity: "error",
      from: { path: "^(packages|apps)/([^/]+)/" },
      to: { path: "^apps/", pathNot: "^$1/$2/" },
    },
    {
      name: "no-relative-imports-across-packages",
      comment:
        "Another package or app is imported by its name (`@nerves-hub-ts/x`), never by a relative path into its directory.",
      severity: "error",
      from: { path: "^(packages|apps)/([^/]+)/" },
      to: { path: "^(packages|apps)/", pathNot: "^$1/$2/", dependencyTypes: ["local"] },
    },
    {
      name: "only-public-entry-points",
      comment:
        "Another package is used through its public entry point (`@nerves-hub-ts/x` or `@nerves-hub-ts/x/testing`), never its internals.",
      severity: "error",
      from: { path: "^(packages|apps)/([^/]+)/" },
      to: { path: "^packages/", pathNot: ["^$1/$2/", "^packages/[^/]+/src/(index|testing)\\.ts$"] },
    },
    {
      name: "no-unresolvable-imports",
      comment:
        "Every import resolves: a package's internals are not exported (import its entry point), and a package must be installed to be imported.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-circular",
      comment:
        "No import cycles: a cycle makes load order matter and the parts inseparable. `npx depcruise --config .ci/dependency-rules.cjs packages apps` prints each cycle whole.",
      severity: "error",
      from: {},
      to: { circular: true, via: { pathNot: KNOWN_CYCLES.join("|") } },
    },
    // package.json files say what is imported.
    {
      name: "not-in-package-json",
      comment:
        "A production file imports an npm package that is not in its package.json (or only in the root one).",
      severity: "error",
      from: { pathNot: TEST_FILE },
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "test-import-not-in-package-json",
      comment: `A test file imports an npm package that is in neither its package.json nor, for ${ROOT_TEST_LIBRARIES.join(" and ")}, the root one.`,
      severity: "error",
      from: { path: TEST_FILE },
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"], pathNot: npmPackage(ROOT_TEST_LIBRARIES) },
    },
    {
      name: "production-import-of-dev-dependency",
      comment: 'A production file imports a package that its package.json lists only in "devDependencies".',
      severity: "error",
      from: { pathNot: TEST_FILE },
      // A peer dependency (vitest for the contract suites) is the user's to install; it is also a dev one here.
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["npm-peer"] },
    },
    ...workspaceDeclarationRules(),
  ],
  options: {
    // swc parses TypeScript here: typescript 7 has no JavaScript compiler API for dependency-cruiser.
    // Type-only imports count: they tie packages together as much as value imports do.
    parser: "swc",
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(packages|apps)/[^/]+/(dist|coverage|reports)/" },
    enhancedResolveOptions: {
      conditionNames: ["source", "import", "require", "node", "default"],
      exportsFields: ["exports"],
      mainFields: ["module", "main", "types"],
      extensions: [".ts", ".mjs", ".js", ".cjs", ".d.ts"],
    },
  },
};
