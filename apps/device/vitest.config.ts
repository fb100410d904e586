import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  // The e2e tests start real agents as child processes (node + tsx): seconds each on a busy machine.
  test: { name: "device", environment: "node", testTimeout: 30_000, hookTimeout: 30_000 },
});
