// `pnpm mutation downloader` (bench/mutation/stryker.config.mjs): the downloader's own tests, not the whole package's.
import { defineProject, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

export default mergeConfig(
  base,
  defineProject({ test: { include: ["src/http-downloader.test.ts", "src/content-range.test.ts"] } }),
);
