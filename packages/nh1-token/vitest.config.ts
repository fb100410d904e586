import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    name: "nh1-token",
    environment: "node",
    // `pnpm mutation` instruments every statement: its property tests need more than the usual 5 s.
    testTimeout: process.env.MUTATION_TARGET ? 60_000 : 5_000,
  },
});
