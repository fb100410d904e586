// What every scenario shares: the context it runs in, its report, and bringing the fleet online.
import type { RampReport } from "../fleet.js";
import { type HubControl, NoHubControlError } from "../hub/hub-control.js";
import type { Simulation } from "../simulation.js";
import { ms, percentile } from "../stats.js";

export interface ScenarioContext {
  sim: Simulation;
  /** A story line for the user (above the live view on a TTY). */
  say(line: string): void;
}

/** A scenario's outcome: a verdict, a summary table and the raw numbers (for tests and benchmarks). */
export interface ScenarioReport {
  scenario: string;
  ok: boolean;
  rows: [string, string][];
  problems: string[];
  metrics: Record<string, number>;
}

export function requireControl(sim: Simulation, scenario: string): HubControl {
  if (!sim.control) throw new NoHubControlError(scenario);
  return sim.control;
}

/** Ramps the fleet up and waits until every device has joined once (or `timeoutMs` passes). */
export async function bringOnline(ctx: ScenarioContext, timeoutMs: number): Promise<RampReport> {
  const { fleet } = ctx.sim;
  await fleet.ramp();
  await fleet.until(
    (f) => f.devices.every((d) => d.firstJoinAt !== undefined) && f.devices.length > 0,
    timeoutMs,
  );
  const ramp = fleet.rampReport();
  ctx.say(
    `${ramp.joined}/${fleet.devices.length} devices joined in ${(ramp.durationMs / 1000).toFixed(1)} s ` +
      `(${Math.round(ramp.joinRate)}/s, join p50 ${ms(percentile(ramp.joinLatenciesMs, 50))})`,
  );
  return ramp;
}

/** The fleet after `fleetOnline`: how it ramped, and the problems found so far (a scenario adds its own). */
export interface OnlineFleet {
  devices: number;
  ramp: RampReport;
  problems: string[];
}

/** Every scenario's start: bring the fleet online and note the devices that never joined. */
export async function fleetOnline(ctx: ScenarioContext, timeoutMs: number): Promise<OnlineFleet> {
  const ramp = await bringOnline(ctx, timeoutMs);
  return { devices: ctx.sim.options.devices, ramp, problems: joinProblems(ctx.sim, ramp) };
}

/** Problems of devices that never joined, with the link's last error. */
function joinProblems(sim: Simulation, ramp: RampReport): string[] {
  const problems = [...ramp.identityErrors];
  for (const d of sim.fleet.devices) {
    if (d.firstJoinAt === undefined)
      problems.push(`${d.identifier}: never joined (${d.lastError?.message ?? "no error reported"})`);
  }
  return problems;
}

export function rampRows(ramp: RampReport, devices: number): [string, string][] {
  return [
    ["devices joined", `${ramp.joined}/${devices}`],
    ["join rate", `${Math.round(ramp.joinRate)}/s`],
    ["join latency p50", ms(percentile(ramp.joinLatenciesMs, 50))],
    ["join latency p99", ms(percentile(ramp.joinLatenciesMs, 99))],
  ];
}
