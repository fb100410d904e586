// Small fleets and short waits for scenario tests against the embedded hub.
import type { CliSettings, ScenarioName } from "../cli-args.js";
import { DEFAULT_OPTIONS, type SimulationOptions } from "../simulation.js";
import type { ViewOutput } from "../view/live-view.js";

export function testSettings(
  scenario: ScenarioName,
  simulation: Partial<SimulationOptions> = {},
  rest: Partial<Omit<CliSettings, "scenario" | "simulation">> = {},
): CliSettings {
  return {
    scenario,
    simulation: { ...DEFAULT_OPTIONS, devices: 5, rampPerSecond: 1_000, rebootDelayMs: 0, ...simulation },
    firmwareSize: 64 * 1024,
    downloadMs: 400,
    durationMs: 1_000,
    timeoutMs: 15_000,
    tty: false,
    verbose: false,
    ...rest,
  };
}

/** A ViewOutput that keeps what was written. */
export function capture(): ViewOutput & { text(): string } {
  let text = "";
  return {
    isTTY: false,
    write(chunk: string) {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}
