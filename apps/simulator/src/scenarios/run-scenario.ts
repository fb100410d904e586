// Runs one named scenario with the settings from the command line (or a test).
import type { ScenarioName } from "../cli-args.js";
import { demo } from "./demo.js";
import { rollout } from "./rollout.js";
import type { ScenarioContext, ScenarioReport } from "./scenario.js";
import { soak } from "./soak.js";
import { storm } from "./storm.js";

export interface ScenarioSettings {
  firmwareSize: number;
  downloadMs: number;
  durationMs: number;
  timeoutMs: number;
}

export function runScenario(
  name: ScenarioName,
  ctx: ScenarioContext,
  settings: ScenarioSettings,
): Promise<ScenarioReport> {
  switch (name) {
    case "demo":
      return demo(ctx, settings);
    case "rollout":
      return rollout(ctx, settings);
    case "storm":
      return storm(ctx, settings);
    case "soak":
      return soak(ctx, settings);
  }
}
