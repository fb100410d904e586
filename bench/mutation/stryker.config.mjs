// Mutation testing with StrykerJS (`pnpm mutation`, see run.mjs beside it; not part of `pnpm test`).
// One target at a time, from its package's folder, chosen by MUTATION_TARGET.
import { fileURLToPath } from "node:url";

const sources = ["src/**/*.ts", "!src/**/*.test.ts", "!src/test-support/**", "!src/index.ts"];

export const targets = {
  protocol: { dir: "packages/protocol", mutate: sources },
  update: { dir: "packages/update", mutate: sources },
  "nh1-token": { dir: "packages/nh1-token", mutate: sources },
  downloader: {
    dir: "packages/firmware-fwup",
    mutate: ["src/http-downloader.ts", "src/content-range.ts"],
    // Its own tests only: the strategies' and end-to-end tests would multiply the run time.
    vitestConfig: "vitest.downloader-mutation.config.ts",
  },
};

const root = fileURLToPath(new URL("../..", import.meta.url));
const name = process.env.MUTATION_TARGET ?? "";
const target = targets[name];
const report = `${root}bench/mutation/reports/${name}`;

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default target && {
  mutate: target.mutate,
  // pnpm does not hoist the runner next to Stryker's core, so it is named by path.
  plugins: [fileURLToPath(import.meta.resolve("@stryker-mutator/vitest-runner"))],
  testRunner: "vitest",
  vitest: { configFile: target.vitestConfig ?? "vitest.config.ts" },
  // Stryker rewrites tsconfig paths with the TypeScript 5 API, which TypeScript 7 lacks; the sandbox sits
  // as deep below the root as a package does, so `extends` still resolves without a rewrite.
  tsconfigFile: "no-tsconfig-rewrite",
  coverageAnalysis: "perTest",
  // Two cores, shared: at most two test runners.
  concurrency: 2,
  timeoutMS: 5_000,
  thresholds: { high: 90, low: 80, break: 80 },
  // Later runs test again only the mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: `${report}.incremental.json`,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `${report}.html` },
  jsonReporter: { fileName: `${report}.json` },
  tempDirName: `${root}.stryker-tmp`,
  cleanTempDir: "always",
};
