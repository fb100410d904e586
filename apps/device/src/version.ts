/** The agent's version (kept equal to package.json's by a test; a constant survives bundling). */
export const AGENT_VERSION = "0.1.0";
