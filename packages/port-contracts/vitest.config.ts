import { defineProject } from "vitest/config";

// The suites run from the compliance tests beside each implementation; this package has none of its own.
export default defineProject({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: { name: "port-contracts", environment: "node", passWithNoTests: true },
});
