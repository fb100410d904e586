import type { TestProjectConfiguration } from "vitest/config";

// The single list of test projects: every package and app has its own vitest.config.ts.
const projects: TestProjectConfiguration[] = ["packages/*", "apps/*"];
export default projects;
